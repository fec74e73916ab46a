"""Personas and helpers for back-office tests (synthetic people only)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from dukcapil.accounts.models import User
from dukcapil.accounts.testing import login_verified
from dukcapil.applications.models import Application
from dukcapil.applications.testing import make_application


@pytest.fixture
def as_user(db) -> Callable[[User], Client]:
    """``as_user(verifier)``: a new client, logged in with a second factor (one per user)."""

    def log_in(user: User) -> Client:
        client = Client()
        login_verified(client, user)
        return client

    return log_in


@pytest.fixture
def application(db) -> Application:
    """A submitted KK_HILANG case of Kota Serang: two uploads and a declaration."""
    return make_application("KK_HILANG")


def review_url(app: Application) -> str:
    return reverse("desk:review", args=[app.tracking_number])


def action_url(name: str, app: Application, *args: str) -> str:
    return reverse(f"desk:{name}", args=[app.tracking_number, *args])
