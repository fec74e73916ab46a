"""Creating and filling applications. Status changes are in :mod:`workflow`; this module prepares
what the workflow checks (form data, attachments, declarations) and never assigns a status."""

from __future__ import annotations

import hashlib
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dukcapil.accounts.models import Role
from dukcapil.applications import tracking, uploads, workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import (
    Application,
    Attachment,
    Channel,
    DeliveryMethod,
    RequirementVerdict,
    RevisionReason,
    Status,
)
from dukcapil.applications.requirements import clean_address, clean_form_data
from dukcapil.catalog.models import Applicant, RequirementKind
from dukcapil.catalog.selectors import current_version
from dukcapil.core.phones import normalise_phone
from dukcapil.regions.models import Kecamatan
from dukcapil.registry.choices import LifeStatus
from dukcapil.registry.models import Resident

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Content types recognised by their first bytes, never by the file name.
MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"%PDF-", "application/pdf"))  # noqa: E501  # fmt: skip


def sniff_content_type(head: bytes) -> str | None:
    return next((ctype for magic, ctype in MAGIC if head.startswith(magic)), None)


def _editable(app: Application) -> None:
    if app.status not in (Status.DRAFT, Status.NEEDS_REVISION):
        raise workflow.TransitionError(
            _("Permohonan berstatus \u201c%(status)s\u201d tidak dapat diubah lagi.")
            % {"status": app.get_status_display()},
            code="not_editable",
        )


def _may_act_for(app: Application, actor: Actor) -> None:
    """The applicant, an operator of the case's kecamatan, or the office's integration."""
    if actor.kind == "citizen" and app.applicant_id == actor.resident_id:
        return
    if actor.kind == "api" and app.office_id == actor.office_code:
        return
    if (
        actor.kind == "staff"
        and actor.role == Role.KECAMATAN_OPERATOR
        and workflow.in_jurisdiction(app, actor.user)
    ):
        return
    raise PermissionDenied(_("Anda tidak dapat mengubah permohonan ini."))


def _draft(
    *,
    service_code: str,
    applicant: Resident,
    channel: str,
    actor: Actor,
    applicant_relation: str = Applicant.SELF,
    phone: str = "",
    language: str = "id",
) -> Application:
    """The checked, unsaved draft of :func:`start_application`."""
    version = current_version(service_code)
    if version is None:
        raise ValidationError({"service": [_("Layanan %(code)s tidak dikenal.") % {"code": service_code}]})  # noqa: E501  # fmt: skip
    if channel not in Channel.values:
        raise ValidationError({"channel": [_("Kanal tidak dikenal.")]})
    if actor.kind == "staff":
        applicant_relation = Applicant.OPERATOR
    if applicant_relation not in version.applicants:
        raise ValidationError(
            {"applicant": [_("Layanan ini tidak dapat diajukan oleh %(who)s.")
                           % {"who": Applicant(applicant_relation).label}]}
        )  # fmt: skip
    if phone and (phone := normalise_phone(phone)) is None:
        raise ValidationError({"phone": [_("Nomor telepon tidak valid (contoh: 081234567890).")]})
    if applicant.life_status != LifeStatus.ALIVE or applicant.family_id is None:
        raise ValidationError({"applicant": [_("Pemohon tidak terdaftar dalam sebuah KK.")]})
    kecamatan = applicant.family.desa.kecamatan
    app = Application(
        tracking_number=tracking.new_tracking_number(),
        service_version=version,
        channel=channel,
        office_id=kecamatan.regency_id,
        kecamatan=kecamatan,
        applicant=applicant,
        applicant_relation=applicant_relation,
        applicant_phone=phone,
        language=language if language in ("id", "en") else "id",
        family=applicant.family,
        operator=actor.user if actor.kind == "staff" else None,
    )
    _may_act_for(app, actor)  # an operator of another kecamatan cannot open a case here
    return app


@transaction.atomic
def start_application(
    *,
    service_code: str,
    applicant: Resident,
    channel: str,
    actor: Actor,
    applicant_relation: str = Applicant.SELF,
    phone: str = "",
    language: str = "id",
) -> Application:
    """A draft for ``service_code``, routed to the office of the regency where the applicant's
    family lives, under the service's current version."""
    app = _draft(
        service_code=service_code, applicant=applicant, channel=channel, actor=actor,
        applicant_relation=applicant_relation, phone=phone, language=language,
    )  # fmt: skip
    app.save()
    return app


def _fill(
    app: Application,
    *,
    form_data: dict[str, Any] | None,
    declarations: list[str] | None,
    privacy_acknowledged: bool,
    consent_recorded: bool,
    delivery_method: str | None,
    delivery_address: dict | None,
) -> set[str]:
    """Check and merge into ``app`` (not saved) what :func:`fill_application` takes; the names
    of the fields it changed."""
    update = set()
    if form_data:
        cleaned = clean_form_data(app.service_version, form_data)
        if app.status == Status.NEEDS_REVISION:
            cleaned["_revised"] = sorted(set(app.form_data.get("_revised", [])) | set(cleaned))
        app.form_data = {**app.form_data, **cleaned}
        update.add("form_data")
    if declarations:
        known = {r["code"] for r in app.service_version.requirements_of_kind(RequirementKind.DECLARATION)}  # noqa: E501  # fmt: skip
        unknown = sorted(set(declarations) - known)
        if unknown:
            raise ValidationError({c: [_("Pernyataan ini tidak ada pada layanan ini.")] for c in unknown})  # noqa: E501  # fmt: skip
        now = timezone.now().isoformat()
        app.declarations = {**app.declarations, **{c: now for c in declarations}}
        update.add("declarations")
    if privacy_acknowledged and app.privacy_acknowledged_at is None:
        app.privacy_acknowledged_at = timezone.now()
        update.add("privacy_acknowledged_at")
    if consent_recorded:
        app.consent_recorded = True
        update.add("consent_recorded")
    if delivery_method is not None:
        if delivery_method not in DeliveryMethod.values:
            raise ValidationError({"delivery_method": [_("Cara pengambilan tidak dikenal.")]})
        app.delivery_method = delivery_method
        app.delivery_address = clean_address(delivery_address) if delivery_address else {}
        update |= {"delivery_method", "delivery_address"}
    return update


@transaction.atomic
def fill_application(
    *,
    application: Application,
    actor: Actor,
    form_data: dict[str, Any] | None = None,
    declarations: list[str] | None = None,
    privacy_acknowledged: bool = False,
    consent_recorded: bool = False,
    delivery_method: str | None = None,
    delivery_address: dict | None = None,
) -> Application:
    """Merge form fields, declarations, the privacy acknowledgement and the delivery choice."""
    app = Application.objects.select_for_update().get(pk=application.pk)
    _may_act_for(app, actor)
    _editable(app)
    update = _fill(
        app, form_data=form_data, declarations=declarations,
        privacy_acknowledged=privacy_acknowledged, consent_recorded=consent_recorded,
        delivery_method=delivery_method, delivery_address=delivery_address,
    )  # fmt: skip
    if update:
        app.save(update_fields=sorted(update))
    return app


def _stored_attachment(
    app: Application, *, requirement_code: str, data: bytes, original_name: str
) -> Attachment:
    """Check a file for an upload requirement of ``app`` and store it (checksummed, under a
    server-made name); the attachment row is not saved. Every channel passes the same checks
    (:func:`dukcapil.applications.uploads.clean_upload`): images are stored re-encoded."""
    requirement = app.service_version.requirement(requirement_code)
    if requirement is None or requirement["kind"] != RequirementKind.UPLOAD:
        raise ValidationError(
            {requirement_code: [_("Persyaratan unggahan ini tidak ada pada layanan ini.")]}
        )
    try:
        cleaned = uploads.clean_upload(data)
    except ValidationError as e:
        raise ValidationError({requirement_code: e.messages}, code=e.code) from e
    attachment = Attachment(
        application=app,
        requirement_code=requirement_code,
        sha256=hashlib.sha256(cleaned.data).hexdigest(),
        content_type=cleaned.content_type,
        size=len(cleaned.data),
        # The client's name for the file, shown to staff: printable characters only.
        original_name="".join(c for c in original_name if c.isprintable())[:200],
    )
    attachment.file.save(
        f"{tracking.new_tracking_number()}.{cleaned.extension}",
        ContentFile(cleaned.data),
        save=False,
    )
    return attachment


@transaction.atomic
def add_attachment(
    *,
    application: Application,
    actor: Actor,
    requirement_code: str,
    content: bytes | IO[bytes],
    original_name: str = "",
) -> Attachment:
    """Store a file for an upload requirement (checksummed, a server-made name); a previous file
    for the same requirement is superseded, not overwritten."""
    app = Application.objects.select_for_update().get(pk=application.pk)
    _may_act_for(app, actor)
    _editable(app)
    data = content if isinstance(content, bytes) else content.read(MAX_UPLOAD_BYTES + 1)
    attachment = _stored_attachment(
        app, requirement_code=requirement_code, data=data, original_name=original_name
    )
    app.attachments.filter(requirement_code=requirement_code, superseded=False).update(
        superseded=True
    )
    attachment.save()
    return attachment


def submit_application(**kwargs: Any) -> Application:
    """Create, fill and submit in one transaction: all of it, or nothing (API, operator); the
    arguments of :func:`submit_new_application`."""
    return submit_new_application(**kwargs)[0]


def submit_new_application(
    *,
    service_code: str,
    applicant: Resident,
    channel: str,
    actor: Actor,
    form_data: dict[str, Any] | None = None,
    declarations: list[str] | None = None,
    attachments: list[tuple[str, bytes, str]] = (),
    applicant_relation: str = Applicant.SELF,
    phone: str = "",
    language: str = "id",
    delivery_method: str = DeliveryMethod.PICKUP,
    delivery_address: dict | None = None,
    privacy_acknowledged: bool = False,
    consent_recorded: bool = False,
    savepoint: bool = True,
) -> tuple[Application, list[Attachment]]:
    """Create, fill and submit in one transaction: all of it, or nothing; the application and
    its attachments as stored (a requirement given twice: the earlier file superseded).

    The same checks as :func:`start_application`, :func:`fill_application` and
    :func:`add_attachment` in turn, but the new application is written once, already submitted,
    and its files in one statement: nobody else can see it before the transaction commits, so
    there is no row to lock and nothing to supersede but a requirement given twice here.
    ``savepoint=False``: inside a caller's transaction, join it without a savepoint (two round
    trips fewer); the caller then rolls back the whole of it on an error.
    """
    files: list[Attachment] = []
    try:
        with transaction.atomic(savepoint=savepoint):
            app = _draft(
                service_code=service_code, applicant=applicant, channel=channel, actor=actor,
                applicant_relation=applicant_relation, phone=phone, language=language,
            )  # fmt: skip
            _fill(
                app, form_data=form_data, declarations=declarations,
                privacy_acknowledged=privacy_acknowledged, consent_recorded=consent_recorded,
                delivery_method=delivery_method, delivery_address=delivery_address,
            )  # fmt: skip
            for code, data, name in attachments:
                files.append(
                    _stored_attachment(app, requirement_code=code, data=data, original_name=name)
                )
            given_later: set[str] = set()
            for attachment in reversed(files):
                attachment.superseded = attachment.requirement_code in given_later
                given_later.add(attachment.requirement_code)
            current = frozenset(a.requirement_code for a in files if not a.superseded)
            app = workflow.submit(application=app, actor=actor, uploaded=current)
            Attachment.objects.bulk_create(files)
            return app, files
    except BaseException:
        # Refused (a requirement missing, a later file refused …): the files already stored go
        # too, so that a refused submission leaves nothing behind, on disk either.
        for attachment in files:
            attachment.file.delete(save=False)
        raise


@transaction.atomic
def record_verdict(
    *,
    application: Application,
    actor: Actor,
    requirement_code: str,
    verdict: str,
    reason: str = "",
    note: str = "",
) -> RequirementVerdict:
    """The verifier's verdict on one requirement (only the assigned verifier, while in review)."""
    app = Application.objects.select_for_update().get(pk=application.pk)
    if actor.kind != "staff" or not workflow.in_jurisdiction(app, actor.user):
        from django.http import Http404

        raise Http404
    if app.status != Status.IN_REVIEW or app.assigned_to_id != actor.user.pk:
        raise PermissionDenied(_("Ambil permohonan ini dulu untuk memberi penilaian."))
    if app.service_version.requirement(requirement_code) is None:
        raise ValidationError({"requirement": [_("Persyaratan tidak dikenal.")]})
    if verdict not in RequirementVerdict.Verdict.values:
        raise ValidationError({"verdict": [_("Penilaian tidak dikenal.")]})
    if verdict == RequirementVerdict.Verdict.NEEDS_REVISION and reason not in RevisionReason.values:
        raise ValidationError({"reason": [_("Pilih alasan perbaikan.")]})
    result, _created = RequirementVerdict.objects.update_or_create(
        application=app,
        requirement_code=requirement_code,
        defaults={"verdict": verdict, "reason": reason, "note": note[:500], "by": actor.user},
    )
    return result


def open_follow_up_case(
    *,
    origin: Application,
    service_code: str,
    kecamatan: Kecamatan,
    subjects: list[Resident],
    form_data: dict[str, Any],
) -> Application:
    """A case that another office must act on, opened by ``origin``'s approval and submitted at
    once (its papers are those of the origin case). Runs inside the origin's transaction."""
    version = current_version(service_code)
    app = Application.objects.create(
        tracking_number=tracking.new_tracking_number(),
        service_version=version,
        channel=origin.channel,
        office_id=kecamatan.regency_id,
        kecamatan=kecamatan,
        applicant=origin.applicant,
        applicant_relation=origin.applicant_relation,
        applicant_phone=origin.applicant_phone,
        language=origin.language,
        form_data=form_data,
        declarations=origin.declarations,
        privacy_acknowledged_at=origin.privacy_acknowledged_at,
        delivery_method=origin.delivery_method,
        delivery_address=origin.delivery_address,
        origin=origin,
    )
    app.subjects.add(*subjects)
    return workflow.submit(application=app, actor=Actor.system(f"follow-up of {origin}"))


def expire_unanswered_revisions(*, limit: int = 500) -> int:
    """Close cases whose revision request was not answered by its due date (a periodic job)."""
    due = Application.objects.filter(
        status=Status.NEEDS_REVISION, revision_due_date__lt=timezone.localdate()
    ).order_by("revision_due_date", "id")[:limit]
    expired = 0
    system = Actor.system("scheduler")
    for app in due:
        try:
            workflow.expire(application=app, actor=system)
            expired += 1
        except workflow.TransitionError:
            continue  # answered in the meantime
    return expired
