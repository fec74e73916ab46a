"""Background work of the notifications app."""

from __future__ import annotations

from django_tasks import task


@task()
def dispatch_notifications() -> int:
    """Send what is due in the outbox; another round is enqueued while full batches come."""
    from dukcapil.notifications.dispatch import dispatch_pending

    counts = dispatch_pending()
    total = sum(counts.values())
    if total >= 500:
        dispatch_notifications.enqueue()
    return total


@task()
def send_issued_documents(notification_id: int) -> int:
    """The issued PDFs as WhatsApp documents, after the "issued" message."""
    from dukcapil.notifications.dispatch import send_issued_documents as send

    return send(notification_id=notification_id)
