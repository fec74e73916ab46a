"""Submitting an application through the API: who the applicant is, whether this caller may apply
for them, then :func:`dukcapil.applications.services.submit_application` (all or nothing)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from dukcapil.accounts.selectors import is_in_jurisdiction
from dukcapil.api.auth import Caller
from dukcapil.applications import services as application_services
from dukcapil.applications.models import Application, Channel
from dukcapil.catalog.models import RequirementKind
from dukcapil.catalog.selectors import current_version
from dukcapil.registry import identifiers
from dukcapil.registry.gateway import get_registry
from dukcapil.registry.models import Resident

MAX_UPLOAD_BYTES = application_services.MAX_UPLOAD_BYTES
# The longest base64 text that can decode to MAX_UPLOAD_BYTES (4 characters per 3 bytes).
MAX_BASE64_CHARS = 4 * -(-MAX_UPLOAD_BYTES // 3)
MAX_ATTACHMENTS = 8


@dataclass(frozen=True)
class Identity:
    nik: str
    kk_number: str
    birth_date: dt.date


@dataclass(frozen=True)
class Upload:
    requirement: str
    content_base64: str
    filename: str = ""


@dataclass(frozen=True)
class StoredFile:
    requirement: str
    sha256: str
    content_type: str
    size: int


@dataclass(frozen=True)
class Submission:
    application: Application
    files: list[StoredFile]


def _not_found() -> Http404:
    # One answer for "no such person" and "not yours": the caller learns nothing about which of
    # NIK, KK number and birth date was wrong, nor where a person lives.
    return Http404(_("Data pemohon tidak ditemukan. Periksa NIK, nomor KK dan tanggal lahir."))


def _normalised_identifiers(identity: Identity) -> tuple[str, str]:
    """NIK and KK number in their 16-digit form; a malformed one is a 400 saying what is wrong
    (the format of a number reveals nothing about a person)."""
    errors: dict[str, list[str]] = {}
    nik = kk_number = ""
    try:
        nik = identifiers.parse_nik(identity.nik).nik
    except ValidationError as e:
        errors["applicant.nik"] = e.messages
    try:
        kk_number = identifiers.parse_kk_number(identity.kk_number).kk_number
    except ValidationError as e:
        errors["applicant.kk_number"] = e.messages
    if errors:
        raise ValidationError(errors)
    return nik, kk_number


def decode_uploads(uploads: list[Upload]) -> list[tuple[str, bytes, str]]:
    """``(requirement, bytes, filename)`` per upload; what the file *is* is checked later by its
    first bytes (``add_attachment``), here only that it is base64 and not too big."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": [_("Paling banyak %(n)s berkas.") % {"n": MAX_ATTACHMENTS}]}
        )
    decoded, errors = [], {}
    for upload in uploads:
        field = f"attachments.{upload.requirement}"
        text = "".join(upload.content_base64.split())
        if text.startswith("data:") and "," in text:  # a data: URL as browsers make them
            text = text.split(",", 1)[1]
        if len(text) > MAX_BASE64_CHARS:
            errors[field] = [_("Berkas lebih dari 5 MB.")]
            continue
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            errors[field] = [_("Isi berkas bukan base64 yang sah.")]
            continue
        if len(data) > MAX_UPLOAD_BYTES:
            errors[field] = [_("Berkas lebih dari 5 MB.")]
            continue
        decoded.append((upload.requirement, data, upload.filename))
    if errors:
        raise ValidationError(errors)
    return decoded


def _may_apply_for(caller: Caller, resident: Resident) -> bool:
    if caller.api_key is not None:
        # get_resident_by_nik loaded family → desa → kecamatan: no query here.
        return resident.family.desa.kecamatan.regency_id == caller.api_key.office_id
    return is_in_jurisdiction(resident, user=caller.user)


def qualified(
    errors: ValidationError,
    *,
    service_code: str,
    form_data: dict[str, Any] | None,
    declarations: list[str] | None,
    attachments: list[str],
) -> ValidationError:
    """``errors`` of :func:`submit_for_caller` as the API names them. The service names
    requirements by their code; the API names where in the request each one goes
    (``attachments.ktp``, ``form_data.alamat``, ``declarations.pernyataan``): where the client put
    it, else where the service's catalogue says it belongs.

    Called once the submission's transaction has rolled back (it reads the catalogue): the
    submission joins its caller's transaction without a savepoint."""
    sent = {
        **{code: "form_data" for code in form_data or {}},
        **{code: "declarations" for code in declarations or []},
        **{code: "attachments" for code in attachments},
    }
    version = current_version(service_code)
    where = {RequirementKind.UPLOAD: "attachments", RequirementKind.FIELD: "form_data",
             RequirementKind.DECLARATION: "declarations"}  # fmt: skip
    sections = {r["code"]: where[r["kind"]] for r in version.requirements} if version else {}
    sections.update(sent)
    renamed = {"delivery_method": "delivery.method", "channel": "channel"}
    if not hasattr(errors, "error_dict"):
        field = (
            "privacy_acknowledged"
            if getattr(errors, "code", "") == "privacy_not_acknowledged"
            else NON_FIELD_ERRORS
        )
        return type(errors)({field: errors.messages})
    result: dict[str, list[str]] = {}
    for field, messages in errors.message_dict.items():
        if field in sections:
            field = f"{sections[field]}.{field}"
        result[renamed.get(field, field)] = messages
    return type(errors)(result)


def submit_for_caller(
    *,
    caller: Caller,
    service_code: str,
    identity: Identity,
    applicant_relation: str = "self",
    channel: str | None = None,
    phone: str = "",
    language: str | None = None,
    form_data: dict[str, Any] | None = None,
    declarations: list[str] | None = None,
    privacy_acknowledged: bool = False,
    consent_recorded: bool = False,
    delivery_method: str = "pickup",
    delivery_address: dict | None = None,
    uploads: list[Upload] = (),
) -> Submission:
    """Create, fill and submit an application for the resident named by ``identity``; the
    application and what its files were stored as.

    Raises ``ValidationError`` for bad input (the caller's transaction, joined without a
    savepoint, then rolls back: nothing written; :func:`qualified` names its fields as the API
    does), ``Http404`` when the identity does not match the registry or the resident is outside
    the caller's office or jurisdiction.
    """
    nik, kk_number = _normalised_identifiers(identity)
    files = decode_uploads(list(uploads))
    if channel is None:
        channel = Channel.API if caller.is_integration else Channel.OPERATOR
    elif channel == Channel.OPERATOR and caller.is_integration:
        raise ValidationError({"channel": [_("Kanal operator hanya untuk petugas kecamatan.")]})
    resident = get_registry().verify_identity(
        nik=nik, kk_number=kk_number, birth_date=identity.birth_date
    )
    if resident is None or not _may_apply_for(caller, resident):
        raise _not_found()
    if language not in ("id", "en"):
        language = "en" if (translation.get_language() or "").startswith("en") else "id"
    application, attachments = application_services.submit_new_application(
        service_code=service_code,
        applicant=resident,
        channel=channel,
        actor=caller.actor,
        form_data=form_data or None,
        declarations=declarations or None,
        attachments=files,
        applicant_relation=applicant_relation,
        phone=phone,
        language=language,
        delivery_method=delivery_method,
        delivery_address=delivery_address,
        privacy_acknowledged=privacy_acknowledged,
        consent_recorded=consent_recorded,
        savepoint=False,  # idempotency.run_once's transaction, rolled back on any error
    )
    # What was stored: images are re-encoded (metadata stripped), so the digest, type and size
    # are the stored file's, not those of the bytes received.
    by_code = {a.requirement_code: a for a in attachments if not a.superseded}
    stored = [
        StoredFile(
            requirement=code,
            sha256=by_code[code].sha256,
            content_type=by_code[code].content_type,
            size=by_code[code].size,
        )
        for code, _data, _name in files
    ]
    return Submission(application=application, files=stored)
