"""The notifications app's effect of a workflow transition (``DUKCAPIL_TRANSITION_EFFECTS``)."""

from __future__ import annotations

from typing import Any


def queue_on_transition(*, event: Any, application: Any) -> None:
    """Write the citizen's notification in the transition's transaction (the outbox): it commits
    or rolls back with the event. The ``notify_applicant`` job the workflow enqueues with the
    event triggers its dispatch."""
    from dukcapil.notifications.services import queue_notification

    event.application = application
    queue_notification(event=event, dispatch=False, new_event=True)
