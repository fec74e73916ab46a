"""Background work of the WhatsApp app (Django Tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from dukcapil.whatsapp.models import WebhookDelivery


@task()
def process_delivery(delivery_id: int) -> None:
    """Process one stored webhook POST (see :func:`dukcapil.whatsapp.services.process_delivery`)."""
    from dukcapil.whatsapp import services

    delivery = WebhookDelivery.objects.filter(pk=delivery_id, processed_at__isnull=True).first()
    if delivery is not None:
        services.process_delivery(delivery)


@task()
def send_queued(conversation_id: int) -> None:
    """Send a conversation's queued replies, in order."""
    from dukcapil.whatsapp import outbox

    outbox.send_queued(conversation_id=conversation_id)
