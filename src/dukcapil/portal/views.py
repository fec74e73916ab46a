"""Citizen pages. Thin: parse the request, call a service or selector, render. Every page works
without JavaScript; nothing is loaded from another host."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dukcapil.applications import services as app_services
from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.identity import check_identity
from dukcapil.applications.models import Application, Status
from dukcapil.applications.selectors import get_by_tracking_number
from dukcapil.catalog.models import Applicant
from dukcapil.catalog.selectors import current_version
from dukcapil.core.net import client_ip
from dukcapil.portal import receipt, selectors, services, session
from dukcapil.portal.formpage import form_context
from dukcapil.portal.forms import IdentityForm, StatusForm
from dukcapil.registry.models import Resident

# HTML pages are sent gzipped (the 60 KB budget is for what a phone downloads). BREACH does not
# reach the CSRF token, which Django masks anew in every response.
EDITABLE = (Status.DRAFT, Status.NEEDS_REVISION)
CANCELLABLE = workflow.TRANSITIONS["cancel"].sources


def _ip(request: HttpRequest) -> str:
    return client_ip(request)


def status_url(request: HttpRequest, app: Application) -> str:
    query = urlencode({"nomor": app.tracking_display})
    return request.build_absolute_uri(f"{reverse('portal:status_lookup')}?{query}")


@gzip_page
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    resident_id = session.resident_id(request)
    return render(request, "portal/home.html", {
        "services": selectors.service_cards(), "signed_in": resident_id,
        "own": selectors.own_applications(resident_id) if resident_id else [],
    })  # fmt: skip


@gzip_page
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html")


@gzip_page
@never_cache
@require_http_methods(["GET", "POST"])
def identity(request: HttpRequest) -> HttpResponse:
    """NIK + KK number + birth date against the registry; then a short citizen session."""
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("portal:home")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("portal:home")
    form = IdentityForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                resident = check_identity(
                    nik=form.cleaned_data["nik"], kk_number=form.cleaned_data["kk_number"],
                    birth_date=form.cleaned_data["birth_date"], ip=_ip(request),
                    phone=form.cleaned_data["phone"] or None,
                )  # fmt: skip
            except ValidationError as e:
                form.add_error(None, e)
                status = 429 if getattr(e, "code", "") == "identity_locked" else 400
            else:
                session.sign_in(request, resident.pk)
                request.session["portal_phone"] = form.cleaned_data["phone"]
                return redirect(next_url)
    return render(request, "portal/identity.html", {"form": form, "next": next_url},
                  status=status)  # fmt: skip


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    session.sign_out(request)
    return redirect("portal:home")


def _citizen(request: HttpRequest) -> Resident | None:
    resident_id = session.resident_id(request)
    if resident_id is None:
        return None
    return Resident.objects.select_related("family__desa__kecamatan").filter(pk=resident_id).first()


def _to_identity(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('portal:identity')}?{urlencode({'next': request.get_full_path()})}")


@gzip_page
@never_cache
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """The form of one service. The draft is made on the first POST, so a visit writes nothing."""
    version = current_version(code)
    if version is None:
        raise Http404
    resident = _citizen(request)
    if resident is None:
        return _to_identity(request)
    if request.method == "GET":
        preview = Application(service_version=version, applicant=resident, family=resident.family,
                              office_id=resident.family.desa.kecamatan.regency_id)  # fmt: skip
        return render(request, "portal/apply.html", {
            **form_context(preview), "version": version, "action": request.path,
        })  # fmt: skip
    relation = Applicant.SELF if Applicant.SELF in version.applicants else Applicant.FAMILY_MEMBER
    actor = Actor.citizen(resident.pk)
    try:
        app = app_services.start_application(
            service_code=code, applicant=resident, channel="web", actor=actor,
            applicant_relation=relation, phone=request.session.get("portal_phone", ""),
            language=request.LANGUAGE_CODE,
        )  # fmt: skip
    except ValidationError as e:
        return render(request, "portal/refused.html", {"errors": e.messages}, status=400)
    session.grant(request, app)
    return _save_and_continue(request, app, actor)


def _save_and_continue(request: HttpRequest, app: Application, actor: Actor) -> HttpResponse:
    errors = services.save_answers(application=app, actor=actor, post=request.POST,
                                   files=request.FILES)  # fmt: skip
    if not errors and request.POST.get("action") == "submit":
        app, errors = services.submit(application=app, actor=actor)
        if not errors:
            return redirect("portal:receipt", app.tracking_number)
    if not errors:
        return redirect("portal:draft", app.tracking_number)
    return render(request, "portal/apply.html", {
        **form_context(app, post=request.POST, errors=errors),
        "version": app.service_version,
        "action": reverse("portal:draft", args=[app.tracking_number]),
    }, status=400)  # fmt: skip


def _own_case(request: HttpRequest, tracking_number: str) -> Application:
    """The application if this session may see it; 404 otherwise (never says it exists)."""
    app = get_by_tracking_number(tracking_number)
    if app is None or not session.may_see(request, app):
        raise Http404
    return app


@gzip_page
@never_cache
@require_http_methods(["GET", "POST"])
def draft(request: HttpRequest, tracking_number: str) -> HttpResponse:
    app = _own_case(request, tracking_number)
    if app.status != Status.DRAFT:
        return redirect("portal:status", app.tracking_number)
    if request.method == "POST":
        return _save_and_continue(request, app, Actor.citizen(app.applicant_id))
    return render(request, "portal/apply.html", {
        **form_context(app), "version": app.service_version, "action": request.path,
    })  # fmt: skip


@gzip_page
@never_cache
@require_GET
def receipt_page(request: HttpRequest, tracking_number: str) -> HttpResponse:
    app = _own_case(request, tracking_number)
    context = receipt.page_context(app, status_url=status_url(request, app))
    return render(request, "portal/receipt.html", context)


@never_cache
@require_GET
def receipt_pdf(request: HttpRequest, tracking_number: str) -> HttpResponse:
    app = _own_case(request, tracking_number)
    return receipt.pdf_response(
        app, status_url=status_url(request, app), size=request.GET.get("ukuran", "a5")
    )


@gzip_page
@never_cache
@require_http_methods(["GET", "POST"])
def status_lookup(request: HttpRequest) -> HttpResponse:
    """Tracking number + the applicant's birth date open the status page for this session."""
    initial = {"number": request.GET.get("nomor", "")}
    form = StatusForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                app = services.open_status(
                    tracking_text=form.cleaned_data["number"],
                    birth_date=form.cleaned_data["birth_date"], ip=_ip(request),
                )  # fmt: skip
            except ValidationError as e:
                form.add_error(None, e)
                status = 429 if getattr(e, "code", "") == "status_locked" else 400
            else:
                session.grant(request, app)
                return redirect("portal:status", app.tracking_number)
    return render(request, "portal/status_lookup.html", {"form": form}, status=status)


def _status_context(request: HttpRequest, app: Application, **extra: object) -> dict:
    items = selectors.revision_items(app) if app.status == Status.NEEDS_REVISION else []
    context = {
        "app": app,
        "steps": selectors.timeline(app),
        "next_step": selectors.next_step(app),
        "can_cancel": app.status in CANCELLABLE,
        "revision_items": items,
        "attachments": selectors.labelled_attachments(app),
        "extra_panels": selectors.extra_panels(app),
    }
    if items:
        context["revision_form"] = form_context(
            app, requirements=[i.requirement for i in items], revision=True, **extra
        )
    return context


@gzip_page
@never_cache
@require_GET
def status(request: HttpRequest, tracking_number: str) -> HttpResponse:
    app = _own_case(request, tracking_number)
    if app.status == Status.DRAFT:
        return redirect("portal:draft", app.tracking_number)
    return render(request, "portal/status.html", _status_context(request, app))


@gzip_page
@never_cache
@require_POST
def revise(request: HttpRequest, tracking_number: str) -> HttpResponse:
    """Answer a revision request in place: corrected fields and new files, then send it back."""
    app = _own_case(request, tracking_number)
    if app.status != Status.NEEDS_REVISION:
        return redirect("portal:status", app.tracking_number)
    actor = Actor.citizen(app.applicant_id)
    flagged = [i.requirement for i in selectors.revision_items(app)]
    errors = services.save_answers(application=app, actor=actor, post=request.POST,
                                   files=request.FILES, requirements=flagged)  # fmt: skip
    if not errors and request.POST.get("action") == "submit":
        app, errors = services.submit(application=app, actor=actor)
        if not errors:
            return redirect("portal:status", app.tracking_number)
    if not errors:
        return redirect(f"{reverse('portal:status', args=[app.tracking_number])}#perbaikan")
    context = _status_context(request, app, post=request.POST, errors=errors)
    return render(request, "portal/status.html", context, status=400)


@gzip_page
@never_cache
@require_POST
def cancel(request: HttpRequest, tracking_number: str) -> HttpResponse:
    app = _own_case(request, tracking_number)
    if not request.POST.get("confirm"):
        return render(request, "portal/status.html", {
            **_status_context(request, app), "cancel_error": True,
        }, status=400)  # fmt: skip
    try:
        workflow.cancel(application=app, actor=Actor.citizen(app.applicant_id),
                        note="dibatalkan oleh pemohon di portal")  # fmt: skip
    except (ValidationError, PermissionDenied) as e:
        messages = e.messages if isinstance(e, ValidationError) else [str(e)]
        return render(request, "portal/status.html", {
            **_status_context(request, app), "action_errors": messages,
        }, status=409)  # fmt: skip
    return redirect("portal:status", app.tracking_number)


@never_cache
@require_GET
def attachment(request: HttpRequest, tracking_number: str, pk: int) -> FileResponse:
    """One of the applicant's own files, for this session only (never a public path)."""
    app = _own_case(request, tracking_number)
    item = app.attachments.filter(pk=pk).first()
    if item is None:
        raise Http404
    extension = item.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        item.file.open("rb"), content_type=item.content_type, as_attachment=False,
        filename=f"{app.tracking_number}-{item.requirement_code}.{extension}",
    )  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
