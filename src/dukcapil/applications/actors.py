"""Who acts on an application: a staff user, the citizen who applied, an integration (API key of
one office) or the system itself (worker, courier webhook)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    kind: str  # "staff", "citizen", "api", "system"
    user: Any = None
    resident_id: int | None = None
    office_code: str | None = None
    label: str = ""

    @classmethod
    def staff(cls, user: Any) -> Actor:
        return cls(kind="staff", user=user, label=user.get_username())

    @classmethod
    def citizen(cls, resident_id: int, label: str = "") -> Actor:
        return cls(kind="citizen", resident_id=resident_id, label=label or "warga")

    @classmethod
    def api(cls, office_code: str, label: str) -> Actor:
        return cls(kind="api", office_code=office_code, label=label)

    @classmethod
    def system(cls, label: str) -> Actor:
        return cls(kind="system", label=label)

    @property
    def role(self) -> str | None:
        return getattr(self.user, "role", None) if self.kind == "staff" else None
