"""Issued documents: draft on approval, sign and issue in batches, supersede, revoke.

Flow: ``approve`` (verifier) drafts every document of the application (a transition effect, in the
approval's transaction). The signing official's batch screen lists approved applications with
their drafts; after re-entering an authenticator code the official signs a batch: each
application's documents get their number, QR and signature, and the application is issued
(``workflow.issue``) in one transaction per application.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from dukcapil.accounts.models import Role
from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application
from dukcapil.documents import content as contents
from dukcapil.documents.models import (
    ApplicationDocument,
    DocumentEvent,
    DocumentStatus,
    DocumentType,
    IssuedDocument,
)
from dukcapil.documents.numbering import assign_number
from dukcapil.documents.rendering import Issue, render
from dukcapil.documents.signing import sign_pdf


def verification_url(code: str) -> str:
    base = settings.DOCUMENTS_PUBLIC_URL.rstrip("/")
    return base + reverse("documents:verify", args=[code])


def new_verification_code() -> str:
    """20 URL-safe characters from 120 random bits: not guessable, not enumerable."""
    return secrets.token_urlsafe(15)


def record_event(document: IssuedDocument, action: str, *, actor: Actor | None = None,
                 note: str = "") -> None:  # fmt: skip
    user = actor.user if actor is not None and actor.kind == "staff" else None
    DocumentEvent.objects.create(
        document=document, action=action, actor=user,
        actor_label=actor.label if actor is not None else "system", note=note[:300],
    )  # fmt: skip


def draft_documents(*, application: Application) -> list[IssuedDocument]:
    """Draft the documents of an application being approved (inside the approval).

    A document whose content equals that of a valid one already issued for the same subject (a
    lost KK re-printed with unchanged data) is not drafted again: the application is linked to
    the stored document, which is the same file, number and signature.
    """
    documents = []
    for draft in contents.build_drafts(application):
        digest = contents.content_hash(draft.content)
        existing = IssuedDocument.objects.filter(
            subject_key=draft.subject_key,
            document_type=draft.document_type,
            status=DocumentStatus.VALID,
            content_hash=digest,
        ).first()
        if existing is not None:
            document = existing
            record_event(document, "reused", note=application.tracking_number)
        else:
            document = IssuedDocument.objects.create(
                document_type=draft.document_type,
                office=application.office,
                kecamatan=application.kecamatan,
                application=application,
                subject_key=draft.subject_key,
                content=contents.canonical(draft.content),
                content_hash=digest,
                holder_name=draft.holder_name,
                verification_code=new_verification_code(),
            )
            record_event(document, "drafted", note=application.tracking_number)
        ApplicationDocument.objects.get_or_create(application=application, document=document)
        documents.append(document)
    return documents


def document_content(document: IssuedDocument) -> dict:
    return json.loads(document.content)


def signer_name(user: object) -> str:
    full = getattr(user, "get_full_name", lambda: "")()
    return full or getattr(user, "username", "")


def preview_pdf(*, document: IssuedDocument, user: object) -> bytes:
    """The stored PDF of a signed document, or the draft as it will look (watermarked)."""
    if document.status != DocumentStatus.AWAITING_SIGNATURE and document.pdf:
        with document.pdf.open("rb") as f:
            return f.read()
    issue = Issue(
        number="(nomor diberikan saat ditandatangani)",
        issued_on=contents.long_date(timezone.localdate()),
        verification_url=verification_url(document.verification_code),
        signer_name=signer_name(user),
        draft=True,
    )
    return render(document_content(document), issue)


def _sign_document(document: IssuedDocument, *, actor: Actor, now) -> None:  # noqa: ANN001
    today = timezone.localdate(now)
    document.number = assign_number(
        document_type=document.document_type, regency=document.office_id, day=today
    )
    name = signer_name(actor.user)
    content = document_content(document)
    if document.document_type == DocumentType.KK:
        fresh = contents.refreshed_kk_content(content, document.subject_key)
        if fresh != content:
            content = fresh
            document.content = contents.canonical(fresh)
            document.content_hash = contents.content_hash(fresh)
            record_event(document, "refreshed", actor=actor)
    issue = Issue(
        number=document.number,
        issued_on=contents.long_date(today),
        verification_url=verification_url(document.verification_code),
        signer_name=name,
    )
    pdf = sign_pdf(render(content, issue), office_code=document.office_id, signer_name=name,
                   location=content["office"]["place"])  # fmt: skip
    document.pdf.save(f"{document.verification_code}.pdf", ContentFile(pdf), save=False)
    document.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    document.status = DocumentStatus.VALID
    document.issued_on = today
    document.signed_at = now
    document.signed_by = actor.user
    document.signer_name = name
    document.save()
    record_event(document, "signed", actor=actor, note=document.number)
    older = (
        IssuedDocument.objects.select_for_update()
        .filter(subject_key=document.subject_key, document_type=document.document_type,
                status=DocumentStatus.VALID)
        .exclude(pk=document.pk)
    )  # fmt: skip
    for old in older:
        old.status = DocumentStatus.SUPERSEDED
        old.superseded_by = document
        old.superseded_at = now
        old.save(update_fields=["status", "superseded_by", "superseded_at"])
        record_event(old, "superseded", actor=actor, note=document.number)


def check_second_factor(*, user: object, token: str) -> None:
    """The official re-enters an authenticator (or backup) code before a batch is signed."""
    token = "".join(str(token or "").split())
    if token and any(d.verify_token(token) for d in devices_for_user(user, confirmed=True)):
        return
    raise ValidationError(
        _("Kode autentikator salah atau sudah dipakai. Masukkan kode yang sedang tampil."),
        code="bad_otp",
    )


@dataclass
class BatchResult:
    issued: list[Application] = field(default_factory=list)
    failed: list[tuple[Application, str]] = field(default_factory=list)


def sign_application(*, application: Application, actor: Actor) -> Application:
    """Sign the drafts of one approved application and issue it, in one transaction. The files
    are written before the commit; if the transaction fails they are removed again."""
    written: list[IssuedDocument] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            drafts = (
                IssuedDocument.objects.select_for_update()
                .filter(application=application, status=DocumentStatus.AWAITING_SIGNATURE)
                .order_by("pk")
            )
            for document in drafts:
                _sign_document(document, actor=actor, now=now)
                written.append(document)
            return workflow.issue(application=application, actor=actor)
    except BaseException:
        for document in written:
            document.pdf.delete(save=False)
        raise


def sign_batch(*, applications: Iterable[Application], actor: Actor, otp_token: str) -> BatchResult:
    """Sign and issue many applications after one authenticator code. One application's failure
    (already issued by a colleague, out of jurisdiction) leaves the others signed."""
    if actor.kind != "staff" or actor.role != Role.SIGNING_OFFICIAL:
        raise PermissionDenied(_("Hanya pejabat penandatangan yang dapat menandatangani dokumen."))
    check_second_factor(user=actor.user, token=otp_token)
    result = BatchResult()
    for application in applications:
        try:
            result.issued.append(sign_application(application=application, actor=actor))
        except (ValidationError, PermissionDenied, Http404) as e:
            message = "; ".join(getattr(e, "messages", [])) or _("Tidak dapat ditandatangani.")
            result.failed.append((application, message))
    return result


def revoke_document(*, document: IssuedDocument, actor: Actor, reason: str) -> IssuedDocument:
    """Revoke a valid document (issued in error, a court order): verification says so."""
    reason = " ".join(str(reason).split())
    if len(reason) < 10:
        raise ValidationError(_("Tuliskan alasan pencabutan (paling sedikit 10 karakter)."))
    if actor.kind != "staff" or actor.role not in (Role.SIGNING_OFFICIAL, Role.REGENCY_HEAD):
        raise PermissionDenied(_("Peran Anda tidak boleh mencabut dokumen."))
    with transaction.atomic():
        document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
        if document.status != DocumentStatus.VALID:
            raise ValidationError(_("Hanya dokumen yang sah yang dapat dicabut."))
        document.status = DocumentStatus.REVOKED
        document.revoked_at = timezone.now()
        document.revocation_reason = reason[:300]
        document.save(update_fields=["status", "revoked_at", "revocation_reason"])
        record_event(document, "revoked", actor=actor, note=reason)
    return document


def record_download(document: IssuedDocument) -> None:
    record_event(document, "downloaded")
