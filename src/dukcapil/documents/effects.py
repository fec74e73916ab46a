"""What workflow transitions cause in the documents app (``DUKCAPIL_TRANSITION_EFFECTS``)."""

from __future__ import annotations

from typing import Any


def on_transition(*, event: Any, application: Any) -> None:
    """Approval drafts the application's documents for the signing official's batch; issue
    queues its cards (KTP-el, KIA) for printing. Runs inside the transition's transaction."""
    from dukcapil.documents import cards, services

    if event.to_status == "approved":
        services.draft_documents(application=application)
    elif event.to_status == "issued":
        cards.queue_cards(application=application)
