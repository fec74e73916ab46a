"""Background work of the delivery app (Django Tasks, database backend)."""

from __future__ import annotations

from django_tasks import task


@task()
def poll_parcels() -> int:
    """Ask the courier about every parcel whose next poll is due (no webhook came)."""
    from dukcapil.delivery.tracking import poll_due_shipments

    return poll_due_shipments()
