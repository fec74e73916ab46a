"""Publishing service versions. The catalogue file in ``catalog/data/services.json`` is the
versioned source; an administrator's change in the admin publishes a new version too."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dukcapil.catalog.models import (
    Applicant,
    RegistryChange,
    RequirementKind,
    Service,
    ServiceVersion,
)

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "services.json"
VERSIONED_FIELDS = (
    "name_id", "name_en", "description_id", "description_en", "legal_basis", "applicants",
    "service_level_days", "presence_required", "outputs", "registry_change", "requirements",
)  # fmt: skip


def _content_hash(fields: dict[str, Any]) -> str:
    payload = json.dumps({k: fields[k] for k in VERSIONED_FIELDS}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def validate_definition(fields: dict[str, Any]) -> None:
    """Refuse a service definition that the forms and the workflow could not use."""
    errors: dict[str, list[str]] = {}
    if not set(fields["applicants"]) <= set(Applicant.values) or not fields["applicants"]:
        errors.setdefault("applicants", []).append(_("Jenis pemohon tidak dikenal."))
    if fields["registry_change"] not in RegistryChange.values:
        errors.setdefault("registry_change", []).append(_("Jenis perubahan data tidak dikenal."))
    if not 0 < int(fields["service_level_days"]) <= 60:
        errors.setdefault("service_level_days", []).append(
            _("Waktu layanan harus 1 sampai 60 hari kerja.")
        )
    codes = [r.get("code") for r in fields["requirements"]]
    if len(codes) != len(set(codes)) or not all(codes):
        errors.setdefault("requirements", []).append(_("Kode persyaratan harus ada dan unik."))
    for r in fields["requirements"]:
        if r.get("kind") not in RequirementKind.values or not r.get("label", {}).get("id"):
            errors.setdefault("requirements", []).append(
                _("Persyaratan %(code)s tidak lengkap.") % {"code": r.get("code")}
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def publish_service_version(*, code: str, actor: Any = None, **fields: Any) -> ServiceVersion:
    """Publish ``fields`` as the next version of service ``code`` (created if new).

    Publishing the same content again returns the current version unchanged.
    """
    validate_definition(fields)
    service, _created = Service.objects.select_for_update().get_or_create(code=code)
    digest = _content_hash(fields)
    current = service.current_version
    if current is not None and current.content_hash == digest:
        return current
    last = service.versions.order_by("-version").first()
    version = ServiceVersion.objects.create(
        service=service,
        version=(last.version + 1) if last else 1,
        content_hash=digest,
        published_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{k: fields[k] for k in VERSIONED_FIELDS},
    )
    service.current_version = version
    service.save(update_fields=["current_version"])
    return version


def _definition_from_file_entry(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "name_id": entry["name"]["id"],
        "name_en": entry["name"]["en"],
        "description_id": entry.get("description", {}).get("id", ""),
        "description_en": entry.get("description", {}).get("en", ""),
        "legal_basis": entry["legal_basis"],
        "applicants": entry["applicants"],
        "service_level_days": entry["service_level_days"],
        "presence_required": entry["presence_required"],
        "outputs": entry["outputs"],
        "registry_change": entry["registry_change"],
        "requirements": entry["requirements"],
    }


def sync_catalogue(path: Path = CATALOGUE_FILE) -> list[ServiceVersion]:
    """Publish every service of the catalogue file whose content changed."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        publish_service_version(code=entry["code"], **_definition_from_file_entry(entry))
        for entry in data["services"]
    ]
