"""Side effects of transitions, run by the worker. Enqueued inside the transition's transaction
(Django Tasks, database backend), so a rolled-back transition leaves no job behind."""

from __future__ import annotations

from django_tasks import task

from dukcapil.applications.models import ApplicationEvent


@task()
def notify_applicant(event_id: int) -> None:
    """Write the citizen's notification for this event into the outbox."""
    from dukcapil.notifications.services import queue_notification

    event = (
        ApplicationEvent.objects.select_related("application__service_version")
        .filter(pk=event_id)
        .first()
    )
    if event is not None:
        queue_notification(event=event)
