"""Writing a citizen's notification for an application event, in the citizen's language."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy

from dukcapil.applications.models import Application, ApplicationEvent, Status
from dukcapil.catalog.models import requirement_label
from dukcapil.notifications.models import Notification

# The message of each status the citizen is told about (a claim, a print run … say nothing).
_TEXTS = {
    Status.SUBMITTED: gettext_lazy(
        "Permohonan %(service)s Anda sudah kami terima dengan nomor %(number)s. "
        "Perkiraan selesai: %(due)s."
    ),
    Status.NEEDS_REVISION: gettext_lazy(
        "Permohonan %(number)s perlu perbaikan: %(reasons)s. Mohon perbaiki sebelum "
        "%(revision_due)s."
    ),
    Status.APPROVED: gettext_lazy("Permohonan %(service)s nomor %(number)s disetujui."),
    Status.ISSUED: gettext_lazy("Dokumen untuk permohonan %(number)s sudah terbit."),
    Status.IN_DELIVERY: gettext_lazy("Dokumen permohonan %(number)s sedang dikirim lewat pos."),
    Status.READY_FOR_PICKUP: gettext_lazy(
        "Dokumen permohonan %(number)s siap diambil di kantor kecamatan."
    ),
    Status.COMPLETED: gettext_lazy("Permohonan %(number)s selesai. Terima kasih."),
    Status.REJECTED: gettext_lazy("Permohonan %(number)s ditolak: %(reason)s"),
    Status.CANCELLED: gettext_lazy("Permohonan %(number)s dibatalkan."),
    Status.EXPIRED: gettext_lazy(
        "Permohonan %(number)s ditutup karena perbaikan tidak dikirim tepat waktu."
    ),
}


def _message(app: Application, event: ApplicationEvent) -> str | None:
    """The text for ``event``, in the active language; None when the citizen is not told."""
    text = _TEXTS.get(event.to_status)
    if text is None:
        return None
    service = app.service_version.name
    number = app.tracking_display
    due = app.due_date.strftime("%d-%m-%Y") if app.due_date else "-"
    reasons = ", ".join(
        requirement_label(
            app.service_version.requirement(r["requirement"]) or {"code": r["requirement"]}
        )
        for r in event.data.get("reasons", [])
    )
    return str(text) % {
        "service": service,
        "number": number,
        "due": due,
        "reasons": reasons,
        "revision_due": app.revision_due_date.strftime("%d-%m-%Y") if app.revision_due_date
        else "-",
        "reason": app.decision_reason,
    }  # fmt: skip


def queue_notification(
    *, event: ApplicationEvent, dispatch: bool = True, new_event: bool = False
) -> Notification | None:
    """Write the outbox row for ``event`` (once per event), in the applicant's language.

    The transition's effect (:mod:`effects`) writes it inside the event's transaction, with
    ``new_event`` (the event was just written: no row can exist for it yet, so it is inserted
    without looking first); the worker's ``notify_applicant`` job then finds it and, with
    ``dispatch``, enqueues the sending (the scheduler's periodic dispatch sends whatever a lost
    job left pending)."""
    app = event.application
    with translation.override(app.language or "id"):
        body = _message(app, event)
    if body is None:
        return None
    fields = {
        "application": app,
        "channel": app.channel,
        "recipient": app.applicant_phone,
        "language": app.language,
        "template": f"status_{event.to_status}",
        "body": body,
    }
    if new_event:
        notification = Notification.objects.create(event=event, **fields)
    else:
        notification, _created = Notification.objects.get_or_create(event=event, defaults=fields)
    if dispatch and notification.recipient and notification.state == Notification.State.PENDING:
        from dukcapil.notifications.tasks import dispatch_notifications

        dispatch_notifications.enqueue()
    return notification
