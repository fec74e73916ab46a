"""Delivery tests run against the fake Pos server over HTTP (never a mock of the provider)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dukcapil.accounts.models import Role
from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application, DeliveryMethod
from dukcapil.applications.testing import make_application, make_staff
from dukcapil.delivery.providers.pos.fake import FakePosServer

TOKEN, SECRET = "uji-token-pos", "uji-rahasia-webhook"


@pytest.fixture
def fake_pos(settings) -> Iterator[FakePosServer]:
    """A fake Pos Indonesia on a free port; the ``pos`` provider configured to use it."""
    with FakePosServer(token=TOKEN, secret=SECRET) as fake:
        settings.DELIVERY_PROVIDER = "pos"
        settings.POS_API_BASE_URL = fake.url
        settings.POS_USES_FAKE = False
        settings.POS_API_TOKEN = TOKEN
        settings.POS_WEBHOOK_SECRET = SECRET
        settings.POS_CALLBACK_URL = ""
        settings.POS_API_TIMEOUT = 5
        yield fake


@pytest.fixture
def dispatcher(dispatch_officer) -> Actor:
    return Actor.staff(dispatch_officer)


def issued_application(*, delivery_method: str = DeliveryMethod.POST, **kw) -> Application:
    """An application of Kota Serang whose document is issued, brought there by the workflow."""
    app = make_application(**kw)
    Application.objects.filter(pk=app.pk).update(delivery_method=delivery_method)
    verifier = Actor.staff(make_staff(Role.VERIFIER))
    app = workflow.claim(application=app, actor=verifier)
    app = workflow.approve(application=app, actor=verifier)
    app = workflow.issue(application=app, actor=Actor.staff(make_staff(Role.SIGNING_OFFICIAL)))
    app.refresh_from_db()
    return app


def deliver_webhook(client, fake: FakePosServer, resi: str, events: list[dict], **kw):  # noqa: ANN001, ANN201
    """POST the exact callback the fake Pos would send to ``/webhooks/pos``."""
    body, headers = fake.signed_webhook(resi, events, **kw)
    return client.post(
        "/webhooks/pos",
        data=body,
        content_type="application/json",
        headers={"X-Pos-Signature": headers["X-Pos-Signature"]},
    )
