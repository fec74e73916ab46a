"""Pages of the documents app: the public verification page, the citizen's download link, the
signing official's batch screen and the card print queue."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from dukcapil.accounts.decorators import role_required
from dukcapil.accounts.models import Role
from dukcapil.applications.actors import Actor
from dukcapil.documents import cards, selectors, services, throttle
from dukcapil.documents.models import CardType, DocumentStatus, IssuedDocument
from dukcapil.documents.signing import check_pdf
from dukcapil.regions.models import Regency

# ---------------------------------------------------------------------------------------------
# Public


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "documents/verify.html", {"throttled": True}, status=429)
    response["Retry-After"] = str(settings.DOCUMENTS_VERIFY_WINDOW_SECONDS)
    return response


def _check_upload(request: HttpRequest, document: IssuedDocument | None) -> dict:
    upload = request.FILES.get("berkas")
    if upload is None:
        return {"upload_error": _("Pilih berkas PDF yang akan diperiksa.")}
    if upload.size > settings.DOCUMENTS_MAX_UPLOAD_BYTES:
        return {"upload_error": _("Berkas terlalu besar (paling besar 5 MB).")}
    data = upload.read()
    offices = (
        [document.office_id]
        if document
        else list(
            Regency.objects.filter(province_id=settings.DUKCAPIL_PROVINCE_CODE).values_list(
                "code", flat=True
            )
        )
    )
    result = check_pdf(data, office_codes=offices)
    return {"check": result, "checked": True}


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """What anyone may know of a document from its QR code: type, number, date, status and the
    holder's name masked; and whether an uploaded copy is genuine."""
    if not throttle.allow(request):
        return _too_many(request)
    view = selectors.public_view(code)
    context: dict = {"view": view, "code": code}
    if request.method == "POST" and view is not None:
        context.update(_check_upload(request, selectors.document_by_code(code)))
    return render(request, "documents/verify.html", context, status=200 if view else 404)


@require_http_methods(["GET", "POST"])
def verify_upload(request: HttpRequest) -> HttpResponse:
    """Check an uploaded PDF without its code."""
    if not throttle.allow(request):
        return _too_many(request)
    context: dict = {"view": None, "upload_only": True}
    if request.method == "POST":
        context.update(_check_upload(request, None))
    return render(request, "documents/verify.html", context)


def download(request: HttpRequest, token: str) -> HttpResponse:
    """A citizen's short-lived download link (made by the status page or a WhatsApp message)."""
    document = selectors.document_from_token(token)
    if document is None or not document.pdf:
        return render(request, "documents/link_expired.html", status=410)
    services.record_download(document)
    name = f"{document.document_type}-{(document.number or '').replace('/', '-')}.pdf"
    response = FileResponse(document.pdf.open("rb"), content_type="application/pdf",
                            as_attachment=True, filename=name)  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# Signing official


@role_required(Role.SIGNING_OFFICIAL)
@require_http_methods(["GET", "POST"])
def signing_batch(request: HttpRequest) -> HttpResponse:
    applications = list(selectors.signing_batch(request.user)[:200])
    if request.method == "POST":
        chosen = {int(pk) for pk in request.POST.getlist("permohonan") if pk.isdigit()}
        selected = [a for a in applications if a.pk in chosen]
        if not selected:
            messages.error(request, _("Pilih paling sedikit satu permohonan."))
            return redirect("documents:batch")
        try:
            result = services.sign_batch(applications=selected, actor=Actor.staff(request.user),
                                         otp_token=request.POST.get("kode", ""))  # fmt: skip
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
            return render(request, "documents/batch.html", {"applications": applications},
                          status=400)  # fmt: skip
        if result.issued:
            messages.success(request, ngettext(
                "%(count)d permohonan ditandatangani dan diterbitkan.",
                "%(count)d permohonan ditandatangani dan diterbitkan.", len(result.issued),
            ) % {"count": len(result.issued)})  # fmt: skip
        for app, reason in result.failed:
            messages.error(request, f"{app.tracking_display}: {reason}")
        return redirect("documents:batch")
    return render(request, "documents/batch.html", {"applications": applications})


@role_required(Role.SIGNING_OFFICIAL, Role.REGENCY_HEAD)
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.staff_document(request.user, pk)
    if document is None or document.status == DocumentStatus.DISCARDED:
        raise Http404
    pdf = services.preview_pdf(document=document, user=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="pratinjau-{document.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# Cards


@role_required(Role.DISPATCH_OFFICER, Role.REGENCY_HEAD)
@require_http_methods(["GET", "POST"])
def card_queue(request: HttpRequest) -> HttpResponse:
    actor = Actor.staff(request.user)
    if request.method == "POST":
        try:
            _card_action(request, actor)
        except (ValidationError, PermissionDenied) as e:
            messages.error(request, " ".join(getattr(e, "messages", [str(e)])))
            return redirect("documents:cards")
        messages.success(request, _("Tersimpan."))
        return redirect("documents:cards")
    context = {
        "jobs": cards.print_queue(request.user)[:200],
        "stocks": cards.stocks(request.user),
        "low": cards.low_stocks(request.user),
        "card_types": CardType.choices,
        "can_print": request.user.role == Role.DISPATCH_OFFICER,
    }
    return render(request, "documents/cards.html", context)


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value or default)
    except ValueError:
        raise ValidationError(_("Isikan angka.")) from None


def _card_action(request: HttpRequest, actor: Actor) -> None:
    action = request.POST.get("aksi")
    card_type = request.POST.get("jenis", "")
    if action == "cetak":
        job = cards.print_queue(request.user).filter(pk=_int(request.POST.get("job"))).first()
        if job is None:
            raise ValidationError(_("Kartu tidak ditemukan dalam antrean."))
        cards.print_card(job=job, actor=actor, spoiled=_int(request.POST.get("rusak")))
        return
    if card_type not in CardType.values or not request.user.regency_id:
        raise ValidationError(_("Pilih jenis kartu."))
    quantity = _int(request.POST.get("jumlah"))
    if action == "terima":
        cards.receive_blanks(office_id=request.user.regency_id, card_type=card_type,
                             quantity=quantity, actor=actor)  # fmt: skip
    elif action == "rusak":
        cards.record_spoiled(office_id=request.user.regency_id, card_type=card_type,
                             quantity=quantity, actor=actor,
                             note=request.POST.get("catatan", ""))  # fmt: skip
    else:
        raise ValidationError(_("Langkah tidak dikenal."))
