"""Reads behind the API: the public status lookup and one case for a staff member."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from dukcapil.applications import selectors as application_selectors
from dukcapil.applications import tracking
from dukcapil.applications.models import (
    Application,
    ApplicationEvent,
    Attachment,
    RequirementVerdict,
)


def _number(text: str) -> str:
    number = tracking.normalise(text)
    if number is None:
        # Caught by the check character, before any lookup.
        raise ValidationError(
            {"tracking_number": [_("Nomor registrasi salah ketik: periksa lagi setiap hurufnya.")]},
            code="tracking_typo",
        )
    return number


PUBLIC_STATUS_FIELDS = (
    "tracking_number", "status", "submitted_at", "due_date", "revision_due_date",
    "decision_reason", "service_version__name_id", "service_version__name_en",
    "service_version__requirements", "service_version__service__code",
)  # fmt: skip


def public_status(
    *, tracking_text: str, birth_date: dt.date
) -> tuple[Application, list[ApplicationEvent]]:
    """The application with this number whose applicant was born on ``birth_date``, and its
    events. Unknown number and wrong birth date get the same 404: nobody learns that a number
    exists without knowing whose it is."""
    number = _number(tracking_text)
    app = (
        Application.objects.select_related("service_version__service")
        # What render.public_status shows, no more: the rows are wide, and compiling and reading
        # every column was the larger part of a lookup's cost. Any other field still loads
        # (with a query of its own).
        .only(*PUBLIC_STATUS_FIELDS)
        .filter(tracking_number=number, applicant__birth_date=birth_date)
        .first()
    )
    if app is None:
        raise Http404(
            _("Permohonan tidak ditemukan. Periksa nomor registrasi dan tanggal lahir pemohon.")
        )
    events = list(
        ApplicationEvent.objects.filter(application=app)
        .only("application_id", "transition", "from_status", "to_status", "data", "at")
        .order_by("at", "id")
    )
    return app, events


def _not_found() -> Http404:
    return Http404(_("Permohonan tidak ditemukan."))


def staff_case(user: object, tracking_text: str, *, detail: bool = False) -> Application:
    """One application in ``user``'s jurisdiction; outside it is the same 404 as unknown."""
    queryset = application_selectors.for_staff(user).filter(tracking_number=_number(tracking_text))
    if detail:
        queryset = queryset.select_related("applicant").prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("requirement_code", "id")),
            Prefetch("verdicts", queryset=RequirementVerdict.objects.order_by("requirement_code")),
            Prefetch("events", queryset=ApplicationEvent.objects.order_by("at", "id")),
        )
    app = queryset.first()
    if app is None:
        raise _not_found()
    return app
