"""The conversation engine (filled in step 3)."""

from __future__ import annotations

from dukcapil.whatsapp.models import Conversation, InboundMessage


def handle(*, conversation: Conversation, inbound: InboundMessage) -> None:
    """Answer one inbound message; runs inside the transaction that recorded it."""
