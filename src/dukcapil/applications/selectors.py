"""Reads of applications. Every staff list starts from :func:`for_staff`, which scopes by the
user's jurisdiction through the one scoping selector."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from dukcapil.accounts.models import ROLES_WITHOUT_PERSONAL_DATA
from dukcapil.accounts.selectors import scope_to_jurisdiction
from dukcapil.applications import tracking
from dukcapil.applications.models import FINAL_STATUSES, Application, Status


def for_staff(user: object) -> QuerySet[Application]:
    """Applications in the user's jurisdiction (none for roles that see aggregates only)."""
    if getattr(user, "role", None) in ROLES_WITHOUT_PERSONAL_DATA:
        return Application.objects.none()
    return scope_to_jurisdiction(
        Application.objects.select_related(
            "service_version__service", "kecamatan", "office", "assigned_to"
        ),
        user=user,
    )


def verifier_queue(user: object) -> QuerySet[Application]:
    """What a verifier's office has waiting or in review."""
    return for_staff(user).filter(status__in=(Status.SUBMITTED, Status.IN_REVIEW))


@dataclass(frozen=True)
class QueueFilters:
    service: str = ""
    kecamatan: str = ""
    channel: str = ""
    status: str = ""
    due_before: dt.date | None = None
    overdue: bool = False


def filter_queue(queryset: QuerySet[Application], f: QueueFilters) -> QuerySet[Application]:
    if f.service:
        queryset = queryset.filter(service_version__service__code=f.service)
    if f.kecamatan:
        queryset = queryset.filter(kecamatan_id=f.kecamatan)
    if f.channel:
        queryset = queryset.filter(channel=f.channel)
    if f.status:
        queryset = queryset.filter(status=f.status)
    if f.due_before:
        queryset = queryset.filter(due_date__lte=f.due_before)
    if f.overdue:
        queryset = overdue(queryset)
    return queryset


def overdue(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Open cases past their service-level due date."""
    return queryset.filter(due_date__lt=timezone.localdate()).exclude(
        status__in=(*FINAL_STATUSES, Status.DRAFT, Status.NEEDS_REVISION)
    )


def keyset_page(
    queryset: QuerySet[Application], *, after: str = "", size: int = 25
) -> tuple[list[Application], str]:
    """One page ordered by (due date, id), and the cursor of the next page ('' at the end).

    Keyset pagination: the database seeks straight to the cursor through the queue index, so page
    1,000 costs what page 1 costs (OFFSET would scan everything before it).
    """
    queryset = queryset.exclude(due_date__isnull=True).order_by("due_date", "id")
    if after:
        try:
            due_text, id_text = after.split("_", 1)
            due, last_id = dt.date.fromisoformat(due_text), int(id_text)
        except ValueError:
            due, last_id = None, None
        if due is not None:
            from django.db.models import Q

            queryset = queryset.filter(Q(due_date__gt=due) | Q(due_date=due, id__gt=last_id))
    rows = list(queryset[: size + 1])
    next_cursor = ""
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = f"{last.due_date.isoformat()}_{last.pk}"
    return rows, next_cursor


def get_by_tracking_number(text: str) -> Application | None:
    """The application with this tracking number; a mistyped number (check character) is None
    without touching the database."""
    number = tracking.normalise(text)
    if number is None:
        return None
    return (
        Application.objects.select_related("service_version__service", "office", "kecamatan")
        .filter(tracking_number=number)
        .first()
    )
