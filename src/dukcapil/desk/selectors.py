"""Reads for the back office. Every list and every case starts from
:func:`dukcapil.applications.selectors.for_staff`, so a user reaches only their jurisdiction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from dukcapil.accounts.selectors import scope_to_jurisdiction
from dukcapil.applications import selectors, tracking, workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import (
    Application,
    ApplicationEvent,
    Attachment,
    RequirementVerdict,
    RevisionReason,
    Status,
)
from dukcapil.catalog.models import RequirementKind, requirement_label
from dukcapil.regions.models import Kecamatan

PAGE_SIZE = 25
# Transitions the back office offers as buttons on a case (the others belong to other desks).
DESK_TRANSITIONS = ("claim", "release", "request_revision", "approve", "reject")


# ---------------------------------------------------------------------------------------------
# Lists


@dataclass(frozen=True)
class Page:
    rows: list[Application]
    next_cursor: str
    overdue_ids: frozenset[int]


def _page(queryset: Any, after: str) -> Page:
    rows, next_cursor = selectors.keyset_page(queryset, after=after, size=PAGE_SIZE)
    # The overdue rule lives in one selector; ask it about this page's rows (one small query).
    late = selectors.overdue(Application.objects.filter(pk__in=[r.pk for r in rows]))
    return Page(rows, next_cursor, frozenset(late.values_list("pk", flat=True)))


def queue_page(user: Any, filters: selectors.QueueFilters, *, after: str = "") -> Page:
    """One page of the office's queue: waiting and in-review cases unless a state is chosen."""
    base = selectors.for_staff(user) if filters.status else selectors.verifier_queue(user)
    return _page(selectors.filter_queue(base, filters), after)


def overdue_page(user: Any, *, after: str = "") -> Page:
    """Open cases of the user's jurisdiction past their due date, the longest overdue first."""
    return _page(selectors.overdue(selectors.for_staff(user)), after)


def kecamatan_choices(user: Any) -> list[tuple[str, str]]:
    kecamatan = scope_to_jurisdiction(Kecamatan.objects.order_by("name"), user=user)
    return list(kecamatan.values_list("code", "name"))


# ---------------------------------------------------------------------------------------------
# One case


def case_for_staff(user: Any, tracking_text: str) -> Application:
    """The case with this tracking number in the user's jurisdiction, else 404 (a case of
    another office is "not found": its existence is not revealed)."""
    number = tracking.normalise(tracking_text)
    if number is None:
        raise Http404
    application = (
        selectors.for_staff(user)
        .select_related("applicant", "family", "kecamatan__regency")
        .filter(tracking_number=number)
        .first()
    )
    if application is None:
        raise Http404
    return application


def attachment_for_staff(user: Any, pk: int) -> Attachment:
    attachment = (
        Attachment.objects.select_related("application")
        .filter(pk=pk, application__in=selectors.for_staff(user).values("pk"))
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


@dataclass
class RequirementRow:
    code: str
    label: str
    kind: str
    optional: bool
    attachment: Attachment | None = None
    previous: list[Attachment] = field(default_factory=list)
    value: Any = None
    revised: bool = False
    declared_at: dt.datetime | None = None
    verdict: RequirementVerdict | None = None

    @property
    def assessable(self) -> bool:
        return self.kind != RequirementKind.DECLARATION

    @property
    def needs_revision(self) -> bool:
        return bool(
            self.verdict and self.verdict.verdict == RequirementVerdict.Verdict.NEEDS_REVISION
        )


def requirement_rows(application: Application) -> list[RequirementRow]:
    """Each requirement of the case's service version with what the applicant gave for it."""
    attachments: dict[str, list[Attachment]] = {}
    for a in application.attachments.order_by("-uploaded_at", "-id"):
        attachments.setdefault(a.requirement_code, []).append(a)
    verdicts = {v.requirement_code: v for v in application.verdicts.select_related("by")}
    revised = set(application.form_data.get("_revised", []))
    rows = []
    for requirement in application.service_version.requirements:
        code = requirement["code"]
        files = attachments.get(code, [])
        current = next((a for a in files if not a.superseded), None)
        declared = application.declarations.get(code)
        rows.append(
            RequirementRow(
                code=code,
                label=requirement_label(requirement),
                kind=requirement["kind"],
                optional=bool(requirement.get("optional")),
                attachment=current,
                previous=[a for a in files if a is not current],
                value=application.form_data.get(code),
                revised=code in revised,
                declared_at=parse_datetime(declared) if declared else None,
                verdict=verdicts.get(code),
            )
        )
    return rows


@dataclass(frozen=True)
class TimelineEntry:
    event: ApplicationEvent
    actor: str
    reasons: list[str]


def _actor_name(event: ApplicationEvent) -> str:
    if event.actor_kind == workflow.STAFF and event.actor is not None:
        return event.actor.get_full_name() or event.actor.get_username()
    if event.actor_kind == workflow.CITIZEN:
        return _("Pemohon")
    if event.actor_kind == workflow.API:
        return _("Integrasi %(name)s") % {"name": event.actor_label}
    return _("Sistem (%(name)s)") % {"name": event.actor_label}


def timeline(application: Application) -> list[TimelineEntry]:
    labels = {r["code"]: requirement_label(r) for r in application.service_version.requirements}
    entries = []
    for event in application.events.select_related("actor").order_by("at", "id"):
        reasons = []
        for r in event.data.get("reasons", []):
            reason = r.get("reason", "")
            text = f"{labels.get(r.get('requirement'), r.get('requirement'))}: " + (
                RevisionReason(reason).label if reason in RevisionReason.values else reason
            )
            reasons.append(f"{text} ({r['note']})" if r.get("note") else text)
        entries.append(TimelineEntry(event, _actor_name(event), reasons))
    return entries


@dataclass(frozen=True)
class CaseView:
    application: Application
    requirements: list[RequirementRow]
    timeline: list[TimelineEntry]
    actions: frozenset[str]
    full_identifiers: bool

    @property
    def can_assess(self) -> bool:
        """Verdicts come from whoever may ask for a revision: the assigned verifier, in review."""
        return "request_revision" in self.actions

    @property
    def unassessed(self) -> int:
        return sum(1 for r in self.requirements if r.assessable and r.verdict is None)

    @property
    def in_review(self) -> bool:
        return self.application.status == Status.IN_REVIEW


def case_view(application: Application, user: Any) -> CaseView:
    actions = {t.name for t in workflow.allowed_transitions(application, Actor.staff(user))}
    return CaseView(
        application=application,
        requirements=requirement_rows(application),
        timeline=timeline(application),
        actions=frozenset(actions & set(DESK_TRANSITIONS)),
        full_identifiers=bool(getattr(user, "sees_full_identifiers", False)),
    )
