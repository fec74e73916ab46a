"""The context of the application form (citizen portal and operator console share it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from dukcapil.applications.models import Application
from dukcapil.catalog.models import RequirementKind, requirement_label
from dukcapil.portal import fields
from dukcapil.portal.services import DELIVERY_FIELDS, POST_OTHER, delivery_choice
from dukcapil.regions.models import Desa


@dataclass
class UploadItem:
    requirement: dict
    label: str
    current: Any  # the Attachment given so far, or None
    errors: list[str]


@dataclass
class DeclarationItem:
    requirement: dict
    label: str
    checked: bool
    errors: list[str]


@lru_cache(maxsize=64)
def desa_options(regency_code: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """The desa of a regency grouped by kecamatan, for the address selects (never changes while
    the process runs: region data ships with the code)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    rows = (
        Desa.objects.filter(kecamatan__regency_id=regency_code)
        .order_by("kecamatan__name", "name")
        .values_list("kecamatan__name", "code", "name")
    )
    for kecamatan, code, name in rows:
        groups.setdefault(kecamatan, []).append((code, name))
    return tuple((k, tuple(v)) for k, v in groups.items())


def form_context(
    app: Application,
    *,
    post: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    requirements: list[dict] | None = None,
    revision: bool = False,
) -> dict[str, Any]:
    errors = errors or {}
    requirements = app.service_version.requirements if requirements is None else requirements
    current = (
        {a.requirement_code: a for a in app.attachments.filter(superseded=False)} if app.pk else {}
    )
    uploads = [
        UploadItem(r, requirement_label(r), current.get(r["code"]), list(errors.get(r["code"], [])))
        for r in requirements if r["kind"] == RequirementKind.UPLOAD
    ]  # fmt: skip
    declarations = [
        DeclarationItem(
            r, requirement_label(r),
            bool(post.get(f"declaration__{r['code']}")) if post is not None
            else bool(app.declarations.get(r["code"])),
            list(errors.get(r["code"], [])),
        )
        for r in requirements if r["kind"] == RequirementKind.DECLARATION
    ]  # fmt: skip
    if post is not None and post.get("delivery"):
        choice = post.get("delivery")
        other = {k: str(post.get(f"delivery__{k}", "")) for k in DELIVERY_FIELDS}
    else:
        choice = delivery_choice(app)
        other = dict(app.delivery_address) if choice == POST_OTHER else {}
    known = {r["code"] for r in requirements}
    general = [m for key, items in errors.items() if key not in known
               and key not in ("privacy", "delivery", "declarations") for m in items]  # fmt: skip
    return {
        "app": app,
        "groups": fields.field_groups(
            requirements, stored=app.form_data, post=post, errors=errors
        ),  # fmt: skip
        "uploads": uploads,
        "declarations": declarations,
        "privacy_checked": bool(post.get("privacy"))
        if post is not None
        else app.privacy_acknowledged_at is not None,
        "privacy_errors": errors.get("privacy", []),
        "delivery": choice,
        "delivery_other": other,
        "delivery_errors": errors.get("delivery", []) + errors.get("declarations", []),
        "desa_groups": desa_options(app.office_id),
        "general_errors": general,
        "has_errors": bool(errors),
        "revision": revision,
    }
