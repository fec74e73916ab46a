"""Reads of the documents app."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from dukcapil.accounts.selectors import scope_to_jurisdiction
from dukcapil.applications.models import Application
from dukcapil.applications.models import Status as AppStatus
from dukcapil.documents.models import (
    ApplicationDocument,
    DocumentStatus,
    DocumentType,
    IssuedDocument,
)

DOWNLOAD_SALT = "dukcapil.documents.download"
CITIZEN_STATUSES = (DocumentStatus.VALID, DocumentStatus.SUPERSEDED, DocumentStatus.REVOKED)


@dataclass(frozen=True)
class CitizenDocument:
    document: IssuedDocument
    label: str
    number: str
    status: str
    status_label: str
    download_url: str | None  # only for a valid document


def download_token(document: IssuedDocument) -> str:
    return signing.TimestampSigner(salt=DOWNLOAD_SALT).sign(str(document.pk))


def document_from_token(token: str) -> IssuedDocument | None:
    """The document of a download link that has not expired, else None."""
    try:
        pk = signing.TimestampSigner(salt=DOWNLOAD_SALT).unsign(
            token, max_age=settings.DOCUMENTS_DOWNLOAD_LINK_SECONDS
        )
    except signing.BadSignature:
        return None
    return IssuedDocument.objects.filter(pk=pk, status=DocumentStatus.VALID).first()


def documents_for_application(application: Application) -> list[CitizenDocument]:
    """The signed documents an application gave its applicant, each with a download link valid
    for ``DOCUMENTS_DOWNLOAD_LINK_SECONDS`` (for the citizen's status page and WhatsApp)."""
    links = (
        ApplicationDocument.objects.filter(application=application)
        .select_related("document")
        .filter(document__status__in=CITIZEN_STATUSES)
        .order_by("document__pk")
    )
    result = []
    for link in links:
        d = link.document
        url = None
        if d.status == DocumentStatus.VALID:
            url = reverse("documents:download", args=[download_token(d)])
        result.append(
            CitizenDocument(
                document=d, label=d.get_document_type_display(), number=d.number or "",
                status=d.status, status_label=d.get_status_display(), download_url=url,
            )
        )  # fmt: skip
    return result


@dataclass(frozen=True)
class DocumentFile:
    filename: str
    content: bytes
    caption: str


def document_files(application: Application) -> list[DocumentFile]:
    """The valid signed PDFs of an application, for sending as WhatsApp document messages
    (``WhatsAppClient.send_document``): the same bytes as the download, so a re-send is the
    same document."""
    files = []
    for d in documents_for_application(application):
        if d.status != DocumentStatus.VALID:
            continue
        with d.document.pdf.open("rb") as f:
            content = f.read()
        number = d.number.replace("/", "-")
        files.append(DocumentFile(f"{d.document.document_type}-{number}.pdf", content,
                                  f"{d.label} {d.number}"))  # fmt: skip
    return files


def signing_batch(user: object) -> QuerySet[Application]:
    """Approved applications of the user's jurisdiction whose documents await signature, the
    oldest decision first, with their drafts."""
    apps = Application.objects.filter(status=AppStatus.APPROVED)
    drafts = IssuedDocument.objects.filter(status=DocumentStatus.AWAITING_SIGNATURE).order_by("pk")
    return (
        scope_to_jurisdiction(apps, user=user)
        .select_related("service_version", "applicant")
        .prefetch_related(Prefetch("issued_documents", queryset=drafts, to_attr="drafts"))
        .order_by("decided_at", "pk")
    )


def staff_document(user: object, pk: int) -> IssuedDocument | None:
    return scope_to_jurisdiction(IssuedDocument.objects.all(), user=user).filter(pk=pk).first()


def mask_name(name: str) -> str:
    """``Budi Santoso`` → ``B*** S******``: enough to recognise one's own document."""
    return " ".join(w[0] + "*" * (len(w) - 1) if w else w for w in str(name).split(" "))


@dataclass(frozen=True)
class PublicView:
    """All that the public verification page may reveal."""

    type_label: str
    number: str
    issued_on: object
    status: str
    status_label: str
    holder: str
    superseded_on: object = None
    revoked_on: object = None


def public_view(code: str) -> PublicView | None:
    document = (
        IssuedDocument.objects.filter(verification_code=code)
        .exclude(status__in=(DocumentStatus.AWAITING_SIGNATURE, DocumentStatus.DISCARDED))
        .select_related("superseded_by")
        .first()
    )
    if document is None:
        return None
    return PublicView(
        type_label=str(DocumentType(document.document_type).label),
        number=document.number or "",
        issued_on=document.issued_on,
        status=document.status,
        status_label=document.get_status_display(),
        holder=" & ".join(mask_name(n) for n in document.holder_name.split(" & ")),
        superseded_on=(document.superseded_by.issued_on if document.superseded_by else None),
        revoked_on=document.revoked_at,
    )


def document_by_code(code: str) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(verification_code=code).first()


def status_panel(application: Application) -> tuple[str, dict] | None:
    """The portal's status-page panel (``DUKCAPIL_PORTAL_STATUS_PANELS``): the application's
    signed documents with their short-lived download links, or nothing before any is issued."""
    if not ApplicationDocument.objects.filter(
        application=application, document__status__in=CITIZEN_STATUSES
    ).exists():
        return None
    return "documents/_citizen_documents.html", {"application": application}
