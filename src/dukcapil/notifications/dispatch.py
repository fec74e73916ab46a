"""Dispatching the outbox (filled in step 2)."""

from __future__ import annotations

from typing import Any


def on_status(*, update: Any, message: Any) -> None:
    """A status webhook for one of our messages (step 2)."""
