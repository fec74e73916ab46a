"""Reads behind the API: the public status lookup and one case for a staff member."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import JSONField, Prefetch
from django.db.models.expressions import RawSQL
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
from dukcapil.registry.selectors import PreparedLookup


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


# The reads of a status lookup, compiled once and prepared on PostgreSQL (see
# registry.selectors.PreparedLookup): a lookup is cheap, and compiling and planning its queries
# anew was the larger part of its cost. Only what render.public_status shows is read: the rows
# are wide. Any other field still loads (with a query of its own).
def _public_application(number: str, birth_date: dt.date):  # noqa: ANN202 - QuerySet
    return (
        Application.objects.select_related("service_version__service")
        .only(*PUBLIC_STATUS_FIELDS)
        .filter(tracking_number=number)
        .filter(applicant__birth_date=birth_date)  # the values' order
    )


_EXAMPLE = ("0" * 9, dt.date(2000, 1, 1))
_PUBLIC_APPLICATION = PreparedLookup(_public_application, *_EXAMPLE)
# On PostgreSQL one round trip: the application with its events as a JSON array (oldest first).
_TIMELINE = RawSQL(
    "SELECT COALESCE(jsonb_agg(jsonb_build_array(e.transition, e.from_status, e.to_status,"
    " e.data, e.at) ORDER BY e.at, e.id), '[]'::jsonb) FROM applications_applicationevent e"
    " WHERE e.application_id = applications_application.id",
    (),
    output_field=JSONField(),
)
_PUBLIC_APPLICATION_WITH_EVENTS = PreparedLookup(
    lambda number, birth_date: _public_application(number, birth_date).annotate(timeline=_TIMELINE),
    *_EXAMPLE,
)
_PUBLIC_EVENTS = PreparedLookup(
    lambda application_id: (
        ApplicationEvent.objects.filter(application_id=application_id)
        .only("application_id", "transition", "from_status", "to_status", "data", "at")
        .order_by("at", "id")
    ),
    0,
)


def public_status(
    *, tracking_text: str, birth_date: dt.date
) -> tuple[Application, list[ApplicationEvent]]:
    """The application with this number whose applicant was born on ``birth_date``, and its
    events. Unknown number and wrong birth date get the same 404: nobody learns that a number
    exists without knowing whose it is."""
    number = _number(tracking_text)
    together = connection.vendor == "postgresql"
    lookup = _PUBLIC_APPLICATION_WITH_EVENTS if together else _PUBLIC_APPLICATION
    app = lookup.first(number, birth_date)  # the number is unique
    if app is None:
        raise Http404(
            _("Permohonan tidak ditemukan. Periksa nomor registrasi dan tanggal lahir pemohon.")
        )
    if not together:
        return app, _PUBLIC_EVENTS.all(app.pk)
    events = [
        ApplicationEvent(
            application=app, transition=transition, from_status=source, to_status=target,
            data=data, at=dt.datetime.fromisoformat(at),
        )
        for transition, source, target, data, at in app.timeline
    ]  # fmt: skip
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
