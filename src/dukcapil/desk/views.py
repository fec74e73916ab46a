"""Back-office pages. Thin: parse the request, call one selector, workflow or service function,
render. Status changes only through :mod:`dukcapil.applications.workflow`, which checks role,
jurisdiction and state itself; the buttons shown here are a convenience, never the guard."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from dukcapil.accounts.decorators import role_required
from dukcapil.accounts.models import Role
from dukcapil.applications import services, workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application, RequirementVerdict, RevisionReason
from dukcapil.desk import selectors
from dukcapil.desk.forms import QueueFilterForm, revision_reasons

DESK_ROLES = (Role.VERIFIER, Role.REGENCY_HEAD, Role.ADMINISTRATOR)
OVERDUE_ROLES = (Role.REGENCY_HEAD, Role.ADMINISTRATOR)


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _review_url(application: Application, anchor: str = "") -> str:
    url = reverse("desk:review", args=[application.tracking_number])
    return f"{url}#{anchor}" if anchor else url


# ---------------------------------------------------------------------------------------------
# Lists


@require_GET
@role_required(*DESK_ROLES)
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None, user=request.user)
    page = selectors.queue_page(request.user, form.filters(), after=request.GET.get("after", ""))
    more = request.GET.copy()
    more["after"] = page.next_cursor
    context = {
        "form": form,
        "page": page,
        "next_url": f"?{more.urlencode()}" if page.next_cursor else "",
        "is_verifier": request.user.role == Role.VERIFIER,
    }
    template = "desk/_queue_results.html" if _is_htmx(request) else "desk/queue.html"
    status = 400 if form.is_bound and form.errors else 200
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_POST
@role_required(*DESK_ROLES)
def take_next(request: HttpRequest) -> HttpResponse:
    try:
        application = workflow.claim_next(actor=Actor.staff(request.user))
    except PermissionDenied as error:
        return _refusal(request, None, 403, error)
    if application is None:
        messages.info(request, _("Antrean kosong."))
        return redirect("desk:queue")
    return redirect(_review_url(application))


@require_GET
@role_required(*OVERDUE_ROLES)
def overdue(request: HttpRequest) -> HttpResponse:
    page = selectors.overdue_page(request.user, after=request.GET.get("after", ""))
    return render(
        request,
        "desk/overdue.html",
        {"page": page, "next_url": f"?after={page.next_cursor}" if page.next_cursor else ""},
    )


# ---------------------------------------------------------------------------------------------
# One case


def _review_context(request: HttpRequest, application: Application, **extra: Any) -> dict:
    return {
        "case": selectors.case_view(application, request.user),
        "revision_reasons": RevisionReason.choices,
        "verdicts": RequirementVerdict.Verdict,
        **extra,
    }


@require_GET
@role_required(*DESK_ROLES)
def review(request: HttpRequest, tracking_number: str) -> HttpResponse:
    application = selectors.case_for_staff(request.user, tracking_number)
    return render(request, "desk/review.html", _review_context(request, application))


@require_GET
@role_required(*DESK_ROLES)
@xframe_options_sameorigin  # the review page shows a PDF in an <iframe> of the same origin
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """Stream one attachment of a case in the user's jurisdiction (404 for any other)."""
    item = selectors.attachment_for_staff(request.user, pk)
    extension = item.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        item.file.open("rb"),
        content_type=item.content_type,
        as_attachment=False,
        filename=f"{item.application.tracking_number}-{item.requirement_code}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _refusal(
    request: HttpRequest, application: Application | None, status: int, error: Exception
) -> HttpResponse:
    """What the workflow refused, shown on the case page (or the error region under htmx) with
    the HTTP status that says why: 400 invalid input, 403 not allowed, 409 wrong state."""
    if isinstance(error, ValidationError):
        errors = error.messages
    else:
        errors = [str(error) or _("Anda tidak boleh melakukan langkah ini.")]
    if _is_htmx(request):
        response = render(request, "desk/_errors.html", {"errors": errors}, status=status)
        return reswap(retarget(response, "#errors"), "innerHTML")
    if application is None:
        return render(request, "desk/error.html", {"errors": errors}, status=status)
    application.refresh_from_db()
    context = _review_context(request, application, errors=errors, posted=request.POST)
    return render(request, "desk/review.html", context, status=status)


CaseAction = Callable[[HttpRequest, Application, Actor], HttpResponse]


def case_action(view: CaseAction) -> Callable[..., HttpResponse]:
    """A POST on one case: the case is looked up in the user's jurisdiction (404 otherwise), the
    view calls one workflow or service function, and a refusal becomes 400, 403 or 409. The
    function runs in its own transaction, so a refusal has written nothing."""

    @wraps(view)
    def wrapper(request: HttpRequest, tracking_number: str, **kwargs: Any) -> HttpResponse:
        application = selectors.case_for_staff(request.user, tracking_number)
        try:
            return view(request, application, Actor.staff(request.user), **kwargs)
        except workflow.TransitionError as error:  # before ValidationError: it is one
            return _refusal(request, application, 409, error)
        except ValidationError as error:
            return _refusal(request, application, 400, error)
        except PermissionDenied as error:
            return _refusal(request, application, 403, error)

    return require_POST(role_required(*DESK_ROLES)(wrapper))


def _done(request: HttpRequest, application: Application, message: str) -> HttpResponse:
    messages.success(request, message % {"number": application.tracking_display})
    return redirect(_review_url(application))


@case_action
def claim(request: HttpRequest, application: Application, actor: Actor) -> HttpResponse:
    workflow.claim(application=application, actor=actor)
    return _done(request, application, _("Permohonan %(number)s Anda ambil untuk diverifikasi."))


@case_action
def release(request: HttpRequest, application: Application, actor: Actor) -> HttpResponse:
    workflow.release(application=application, actor=actor, note=request.POST.get("note", ""))
    messages.success(
        request,
        _("Permohonan %(number)s dikembalikan ke antrean.")
        % {"number": application.tracking_display},
    )
    return redirect("desk:queue")


@case_action
def request_revision(request: HttpRequest, application: Application, actor: Actor) -> HttpResponse:
    workflow.request_revision(
        application=application,
        actor=actor,
        reasons=revision_reasons(request.POST),
        note=request.POST.get("note", "").strip(),
    )
    return _done(request, application, _("Permintaan perbaikan %(number)s dikirim ke pemohon."))


@case_action
def approve(request: HttpRequest, application: Application, actor: Actor) -> HttpResponse:
    workflow.approve(application=application, actor=actor, note=request.POST.get("note", ""))
    return _done(request, application, _("Permohonan %(number)s disetujui."))


@case_action
def reject(request: HttpRequest, application: Application, actor: Actor) -> HttpResponse:
    workflow.reject(application=application, actor=actor, reason=request.POST.get("reason", ""))
    return _done(request, application, _("Permohonan %(number)s ditolak."))


@case_action
def verdict(
    request: HttpRequest, application: Application, actor: Actor, *, code: str
) -> HttpResponse:
    """One requirement's verdict; under htmx the answer is that requirement's block (and the
    revision form, pre-filled from the verdicts) instead of the whole page."""
    services.record_verdict(
        application=application,
        actor=actor,
        requirement_code=code,
        verdict=request.POST.get("verdict", ""),
        reason=request.POST.get("reason", ""),
        note=request.POST.get("note", "").strip(),
    )
    if not _is_htmx(request):
        return redirect(_review_url(application, f"req-{code}"))
    context = _review_context(request, application)
    row = next(r for r in context["case"].requirements if r.code == code)
    return render(request, "desk/_verdict_response.html", {**context, "row": row})
