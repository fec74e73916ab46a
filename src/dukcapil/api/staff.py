"""``/api/v1/staff/…``: the back office over JSON (session with second factor, CSRF on writes).

Everything starts from ``applications.selectors.for_staff(user)``: a case outside the user's
jurisdiction is the same 404 as an unknown one. Actions go through the workflow module, which
checks role, assignment and state again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from dukcapil.api import render, selectors
from dukcapil.api.auth import STAFF_ONLY
from dukcapil.api.schemas import (
    Action,
    ActionIn,
    Error,
    IsoDate,
    StaffDetail,
    StaffPage,
    StaffSummary,
)
from dukcapil.applications import selectors as application_selectors
from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application

router = Router(tags=["staff"], auth=STAFF_ONLY)

ERRORS = {code: Error for code in (400, 401, 403, 404, 409, 422)}


class QueueQuery(Schema):
    # Codes only: anything else (a NUL byte, which PostgreSQL cannot take) is a 422, not a 500.
    service: str = NinjaField("", description="Service code", pattern=r"^[A-Z_]{0,32}$")
    kecamatan: str = NinjaField(
        "", description="Kecamatan code, e.g. 36.73.01", pattern=r"^(\d{2}\.\d{2}\.\d{2})?$"
    )
    channel: str = NinjaField("", pattern=r"^[a-z_]{0,20}$")
    status: str = NinjaField("", pattern=r"^[a-z_]{0,20}$")
    due_before: IsoDate | None = NinjaField(None, description="Due on or before this date")
    overdue: bool = False
    after: str = NinjaField(
        "", description="Cursor: `next` of the previous page", pattern=r"^[0-9_-]{0,40}$"
    )
    size: int = NinjaField(25, ge=1, le=100)


@router.get(
    "/applications",
    response={200: StaffPage, **ERRORS},
    operation_id="staff_list_applications",
    summary="Applications in my jurisdiction",
    description="Ordered by due date; keyset pagination through `next` / `after`.",
)
def list_applications(request: HttpRequest, filters: Query[QueueQuery]) -> dict:
    queryset = application_selectors.filter_queue(
        application_selectors.for_staff(request.auth.user),
        application_selectors.QueueFilters(
            service=filters.service, kecamatan=filters.kecamatan, channel=filters.channel,
            status=filters.status, due_before=filters.due_before, overdue=filters.overdue,
        ),
    )  # fmt: skip
    rows, cursor = application_selectors.keyset_page(
        queryset, after=filters.after, size=filters.size
    )
    return {"items": [render.staff_summary(a) for a in rows], "next": cursor or None}


@router.get(
    "/applications/{tracking_number}",
    response={200: StaffDetail, **ERRORS},
    operation_id="staff_get_application",
    summary="One application with its files, verdicts and history",
)
def get_application(request: HttpRequest, tracking_number: str) -> dict:
    user = request.auth.user
    app = selectors.staff_case(user, tracking_number, detail=True)
    return render.staff_detail(app, user=user)


def _with_note(fn: Callable[..., Application]) -> Callable[..., Application]:
    return lambda app, actor, body: fn(application=app, actor=actor, note=body.note)


ACTIONS: dict[str, Callable[[Application, Actor, ActionIn], Application]] = {
    "claim": lambda app, actor, body: workflow.claim(application=app, actor=actor),
    "release": _with_note(workflow.release),
    "request_revision": lambda app, actor, body: workflow.request_revision(
        application=app, actor=actor, note=body.note,
        reasons=[r.model_dump() for r in body.reasons],
    ),
    "approve": _with_note(workflow.approve),
    "reject": lambda app, actor, body: workflow.reject(
        application=app, actor=actor, reason=body.reason
    ),
    "ready_for_pickup": _with_note(workflow.mark_ready_for_pickup),
    "complete": _with_note(workflow.complete),
}  # fmt: skip


@router.post(
    "/applications/{tracking_number}/{action}",
    response={200: StaffSummary, **ERRORS},
    operation_id="staff_act_on_application",
    summary="Move an application to its next step",
    description=(
        "`request_revision` needs `reasons`; `reject` needs `reason` (10 characters or more). "
        "From a state where the step is not possible: 409."
    ),
)
def act(
    request: HttpRequest, tracking_number: str, action: Action, payload: ActionIn | None = None
) -> dict[str, Any]:
    user = request.auth.user
    app = selectors.staff_case(user, tracking_number)
    app = ACTIONS[action](app, Actor.staff(user), payload or ActionIn())
    return render.staff_summary(selectors.staff_case(user, app.tracking_number))


@router.post(
    "/queue/claim-next",
    response={200: StaffSummary, 204: None, **ERRORS},
    operation_id="staff_claim_next",
    summary="Take the next application of my office's queue (204 when the queue is empty)",
)
def claim_next(request: HttpRequest) -> dict[str, Any] | HttpResponse:
    user = request.auth.user
    app = workflow.claim_next(actor=Actor.staff(user))
    if app is None:
        return HttpResponse(status=204)
    return render.staff_summary(selectors.staff_case(user, app.tracking_number))
