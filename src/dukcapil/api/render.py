"""Applications as the API shows them: plain dicts matching :mod:`dukcapil.api.schemas`, labels in
the active language. Nothing here queries beyond what the caller prefetched."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from dukcapil.accounts.models import User
from dukcapil.api.schemas import ACTION_NAMES
from dukcapil.api.services import StoredFile
from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import (
    FINAL_STATUSES,
    Application,
    ApplicationEvent,
    Channel,
    DeliveryMethod,
    RequirementVerdict,
    RevisionReason,
    Status,
)
from dukcapil.catalog.models import Applicant, requirement_label
from dukcapil.registry.identifiers import mask_nik


def coded(choices: type, value: str) -> dict[str, str] | None:
    if not value:
        return None
    try:
        return {"code": value, "label": str(choices(value).label)}
    except ValueError:
        return {"code": value, "label": value}


def _step(name: str) -> dict[str, str]:
    transition = workflow.TRANSITIONS.get(name)
    return {"code": name, "label": str(transition.label) if transition else name}


def _service(app: Application, code: str | None = None) -> dict[str, str]:
    version = app.service_version
    return {"code": code or version.service.code, "label": version.name}


def submitted(app: Application, *, service_code: str, files: list[StoredFile]) -> dict:
    return {
        "tracking_number": app.tracking_number,
        "tracking_display": app.tracking_display,
        "status": coded(Status, app.status),
        "service": _service(app, service_code),
        "office": app.office_id,
        "submitted_at": app.submitted_at.isoformat(),
        "due_date": app.due_date.isoformat() if app.due_date else None,
        "attachments": [
            {"requirement": f.requirement, "sha256": f.sha256, "content_type": f.content_type,
             "size": f.size}
            for f in files
        ],
    }  # fmt: skip


def _revision_reasons(app: Application, events: list[ApplicationEvent]) -> list[dict]:
    if app.status != Status.NEEDS_REVISION:
        return []
    last = next((e for e in reversed(events) if e.transition == "request_revision"), None)
    if last is None:
        return []
    result = []
    for r in last.data.get("reasons", []):
        requirement = app.service_version.requirement(r.get("requirement", "")) or {}
        result.append(
            {
                "requirement": {
                    "code": r.get("requirement", ""),
                    "label": requirement_label(requirement) if requirement else "",
                },
                "reason": coded(RevisionReason, r.get("reason", "")),
                "note": r.get("note", ""),
            }
        )
    return result


def public_status(app: Application, events: list[ApplicationEvent]) -> dict[str, Any]:
    """What the applicant may see: states and times, never who on the staff did what."""
    return {
        "tracking_number": app.tracking_number,
        "tracking_display": app.tracking_display,
        "status": coded(Status, app.status),
        "service": _service(app),
        "submitted_at": app.submitted_at,
        "due_date": app.due_date,
        "revision_due_date": app.revision_due_date if app.status == Status.NEEDS_REVISION else None,
        "revision_reasons": _revision_reasons(app, events),
        "decision_reason": app.decision_reason if app.status == Status.REJECTED else None,
        "timeline": [
            {
                "at": e.at,
                "step": _step(e.transition),
                "from_status": coded(Status, e.from_status),
                "to_status": coded(Status, e.to_status),
            }
            for e in events
        ],
    }


def _is_overdue(app: Application) -> bool:
    return bool(
        app.due_date
        and app.due_date < timezone.localdate()
        and app.status not in (*FINAL_STATUSES, Status.DRAFT, Status.NEEDS_REVISION)
    )


def staff_summary(app: Application) -> dict[str, Any]:
    return {
        "tracking_number": app.tracking_number,
        "tracking_display": app.tracking_display,
        "status": coded(Status, app.status),
        "service": _service(app),
        "channel": coded(Channel, app.channel),
        "office": app.office_id,
        "kecamatan": {"code": app.kecamatan_id, "label": app.kecamatan.name},
        "submitted_at": app.submitted_at,
        "due_date": app.due_date,
        "overdue": _is_overdue(app),
        "assigned_to": app.assigned_to.get_username() if app.assigned_to_id else None,
    }


def _masked(value: Any) -> Any:
    """Form data with every NIK or KK number in it masked (for roles that see them masked)."""
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    if isinstance(value, str) and len(value) == 16 and value.isdigit():
        return mask_nik(value)
    return value


def staff_detail(app: Application, *, user: User) -> dict[str, Any]:
    """Everything a verifier needs on one case (attachments, verdicts and events prefetched)."""
    applicant = app.applicant
    events = list(app.events.all())
    full = user.sees_full_identifiers
    return {
        **staff_summary(app),
        "applicant": {
            "name": applicant.name,
            "nik": applicant.nik if full else mask_nik(applicant.nik),
            "relation": coded(Applicant, app.applicant_relation),
            "phone": app.applicant_phone,
        }
        if applicant
        else None,
        "form_data": app.form_data if full else _masked(app.form_data),
        "declarations": app.declarations,
        "privacy_acknowledged_at": app.privacy_acknowledged_at,
        "delivery_method": coded(DeliveryMethod, app.delivery_method),
        "delivery_address": app.delivery_address,
        "revision_due_date": app.revision_due_date,
        "decision_reason": app.decision_reason,
        "attachments": [
            {
                "requirement": a.requirement_code,
                "sha256": a.sha256,
                "content_type": a.content_type,
                "size": a.size,
                "original_name": a.original_name,
                "uploaded_at": a.uploaded_at,
                "superseded": a.superseded,
            }
            for a in app.attachments.all()
        ],  # fmt: skip
        "verdicts": [
            {
                "requirement": v.requirement_code,
                "verdict": coded(RequirementVerdict.Verdict, v.verdict),
                "reason": coded(RevisionReason, v.reason),
                "note": v.note,
            }
            for v in app.verdicts.all()
        ],  # fmt: skip
        "events": [
            {
                "at": e.at,
                "step": _step(e.transition),
                "from_status": coded(Status, e.from_status),
                "to_status": coded(Status, e.to_status),
                "actor_kind": e.actor_kind,
                "actor": e.actor_label,
                "note": e.note,
            }
            for e in events
        ],  # fmt: skip
        "allowed_actions": [
            t.name
            for t in workflow.allowed_transitions(app, Actor.staff(user))
            if t.name in ACTION_NAMES
        ],
    }
