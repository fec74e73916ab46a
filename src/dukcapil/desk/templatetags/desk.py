"""Display helpers for back-office templates (presentation only)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import template
from django.utils import timezone

from dukcapil.registry.identifiers import mask_nik

register = template.Library()

_IDENTIFIER = re.compile(r"[0-9]{16}")


@register.filter
def identifier(value: str, full: bool) -> str:
    """A NIK or KK number in full for roles that need it, masked (``3673********0001``) else."""
    value = str(value or "")
    return value if full else mask_nik(value)


@register.filter
def days_late(due_date: dt.date | None) -> int:
    """Calendar days since the due date (0 when not yet due)."""
    if due_date is None:
        return 0
    return max((timezone.localdate() - due_date).days, 0)


@register.filter
def staff_name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _text(value: Any, full: bool) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    text = str(value)
    # Identifiers inside form data are masked like every other NIK on screen.
    return text if full or not _IDENTIFIER.fullmatch(text) else mask_nik(text)


def _flatten(value: Any, prefix: str, full: bool) -> list[tuple[str, str]]:
    if isinstance(value, dict):
        rows = []
        for key, item in value.items():
            rows += _flatten(item, f"{prefix}.{key}" if prefix else str(key), full)
        return rows
    if isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        rows = []
        for i, item in enumerate(value, 1):
            rows += _flatten(item, f"{prefix}[{i}]", full)
        return rows
    if isinstance(value, list):
        return [(prefix, ", ".join(_text(item, full) for item in value))]
    return [(prefix, _text(value, full))]


@register.filter
def form_items(value: Any, full: bool) -> list[tuple[str, str]]:
    """A form field's value (often nested JSON) as ``(path, text)`` pairs for a definition list."""
    return _flatten(value, "", full)


@register.inclusion_tag("desk/_nav.html", takes_context=True)
def desk_nav(context: template.Context) -> dict[str, Any]:
    from dukcapil.desk.views import OVERDUE_ROLES

    request = context["request"]
    user = request.user
    match = getattr(request, "resolver_match", None)
    return {
        "section": match.url_name if match else "",
        "show_overdue": getattr(user, "role", None) in OVERDUE_ROLES,
        "user_name": staff_name(user),
        "jurisdiction": getattr(user, "jurisdiction_name", ""),
    }
