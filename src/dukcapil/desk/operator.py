"""The kecamatan operator console (``/kantor/operator/``): find a resident of the kecamatan, apply
for them (channel ``operator``), scan their papers, record their consent, print the receipt, and
hand over finished documents. Thin views: the checks are in the services and the workflow, and
every list starts from the jurisdiction selector."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dukcapil.accounts.decorators import role_required
from dukcapil.accounts.models import Role
from dukcapil.accounts.selectors import scope_to_jurisdiction
from dukcapil.applications import selectors as app_selectors
from dukcapil.applications import services as app_services
from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application, DeliveryMethod, Status
from dukcapil.catalog.selectors import active_services
from dukcapil.desk.forms import HandOverForm
from dukcapil.desk.handover import hand_over
from dukcapil.portal import receipt
from dukcapil.portal import selectors as portal_selectors
from dukcapil.portal import services as portal_services
from dukcapil.portal.formpage import form_context
from dukcapil.portal.forms import DATE_FORMATS, DateInput
from dukcapil.portal.views import status_url
from dukcapil.registry.choices import LifeStatus
from dukcapil.registry.models import Resident
from dukcapil.registry.selectors import nik_index, search_residents_by_name

operator_only = role_required(Role.KECAMATAN_OPERATOR)


class SearchForm(forms.Form):
    nik = forms.CharField(label=gettext_lazy("NIK"), required=False, max_length=24)
    name = forms.CharField(label=gettext_lazy("atau nama"), required=False, max_length=60)
    birth_date = forms.DateField(
        label=gettext_lazy("dan tanggal lahir"), required=False, input_formats=DATE_FORMATS,
        widget=DateInput(),
    )  # fmt: skip

    def clean(self) -> dict:
        data = super().clean()
        nik = "".join(c for c in data.get("nik") or "" if c.isdigit())
        if nik and len(nik) != 16:
            raise ValidationError(_("NIK harus 16 angka."))
        if not nik and not (data.get("name") and data.get("birth_date")):
            raise ValidationError(_("Isi NIK, atau nama dan tanggal lahir."))
        data["nik"] = nik
        return data


def _residents(user: object):
    """Living residents of the operator's kecamatan (the one scoping selector)."""
    return scope_to_jurisdiction(
        Resident.objects.select_related("family__desa__kecamatan").filter(
            life_status=LifeStatus.ALIVE
        ),
        user=user,
    )


def _case(request: HttpRequest, tracking_number: str) -> Application:
    app = app_selectors.for_staff(request.user).filter(tracking_number=tracking_number).first()
    if app is None:
        raise Http404
    return app


@require_GET
@operator_only
def home(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results = None
    if request.GET and form.is_valid():
        residents = _residents(request.user)
        if form.cleaned_data["nik"]:
            results = list(residents.filter(nik_index=nik_index(form.cleaned_data["nik"]))[:1])
        else:
            results = list(search_residents_by_name(
                residents, name=form.cleaned_data["name"],
                birth_date=form.cleaned_data["birth_date"],
            ).order_by("name")[:20])  # fmt: skip
    cases = (
        app_selectors.for_staff(request.user)
        .select_related("applicant")
        .exclude(status=Status.DRAFT, operator__isnull=True)
        .order_by("-created_at")[:30]
    )
    ready = app_selectors.for_staff(request.user).filter(status=Status.READY_FOR_PICKUP).count()
    return render(request, "desk/operator/home.html", {
        "form": form, "results": results, "cases": cases, "ready_count": ready,
    })  # fmt: skip


@require_GET
@operator_only
def resident(request: HttpRequest, pk: int) -> HttpResponse:
    person = _residents(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404
    services = [s for s in active_services().order_by("code") if s.current_version]
    cases = app_selectors.for_staff(request.user).filter(applicant=person).order_by("-created_at")
    return render(request, "desk/operator/resident.html", {
        "person": person, "services": services, "cases": cases[:20],
    })  # fmt: skip


@require_POST
@operator_only
def start(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    person = _residents(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404
    try:
        app = app_services.start_application(
            service_code=code, applicant=person, channel="operator",
            actor=Actor.staff(request.user), language=request.LANGUAGE_CODE,
        )  # fmt: skip
    except (ValidationError, PermissionDenied) as e:
        errors = e.messages if isinstance(e, ValidationError) else [str(e)]
        return render(request, "desk/operator/error.html", {"errors": errors}, status=400)
    return redirect("desk:operator_form", app.tracking_number)


@require_http_methods(["GET", "POST"])
@operator_only
def application_form(request: HttpRequest, tracking_number: str) -> HttpResponse:
    app = _case(request, tracking_number)
    if app.status not in (Status.DRAFT, Status.NEEDS_REVISION):
        return redirect("desk:operator_receipt", app.tracking_number)
    revision = portal_selectors.revision_items(app) if app.status == Status.NEEDS_REVISION else []
    if request.method == "GET":
        return render(request, "desk/operator/form.html", {
            **form_context(app), "revision_items": revision,
        })  # fmt: skip
    actor = Actor.staff(request.user)
    errors = portal_services.save_answers(application=app, actor=actor, post=request.POST,
                                          files=request.FILES)  # fmt: skip
    if not errors and request.POST.get("action") == "submit":
        if not app.consent_recorded:
            errors = {"consent": [_("Catat dulu persetujuan warga (centang kotak persetujuan).")]}
        else:
            app, errors = portal_services.submit(application=app, actor=actor)
            if not errors:
                return redirect("desk:operator_receipt", app.tracking_number)
    if not errors:
        return redirect("desk:operator_form", app.tracking_number)
    context = form_context(app, post=request.POST, errors=errors)
    context["consent_errors"] = errors.get("consent", [])
    context["revision_items"] = revision
    return render(request, "desk/operator/form.html", context, status=400)


@require_GET
@operator_only
def receipt_page(request: HttpRequest, tracking_number: str) -> HttpResponse:
    app = _case(request, tracking_number)
    context = receipt.page_context(app, status_url=status_url(request, app))
    return render(request, "desk/operator/receipt.html", context)


@require_GET
@operator_only
def receipt_pdf(request: HttpRequest, tracking_number: str) -> HttpResponse:
    app = _case(request, tracking_number)
    return receipt.pdf_response(
        app,
        status_url=status_url(request, app),
        size=request.GET.get("ukuran", "a5"),
        disposition="inline",
    )


ON_THE_WAY = (Status.ISSUED, Status.PRINTED, Status.IN_DELIVERY)


@require_GET
@operator_only
def pickups(request: HttpRequest) -> HttpResponse:
    """Documents waiting at the office, and those on their way to it for pick-up."""
    cases = (
        app_selectors.for_staff(request.user).select_related("applicant").order_by("due_date", "id")
    )
    ready = cases.filter(status=Status.READY_FOR_PICKUP)
    coming = cases.filter(status__in=ON_THE_WAY, delivery_method=DeliveryMethod.PICKUP)
    return render(request, "desk/operator/pickups.html", {
        "ready": ready[:100], "coming": coming[:100],
    })  # fmt: skip


@require_POST
@operator_only
def arrived(request: HttpRequest, tracking_number: str) -> HttpResponse:
    """The printed document reached the kecamatan office: ready for pick-up (the applicant is
    told by the workflow's notification)."""
    app = _case(request, tracking_number)
    try:
        workflow.mark_ready_for_pickup(application=app, actor=Actor.staff(request.user),
                                       note="diterima di kantor kecamatan")  # fmt: skip
    except (ValidationError, PermissionDenied) as e:
        errors = e.messages if isinstance(e, ValidationError) else [str(e)]
        return render(request, "desk/operator/error.html", {"errors": errors}, status=409)
    return redirect("desk:operator_pickups")


@require_http_methods(["GET", "POST"])
@operator_only
def handover(request: HttpRequest, tracking_number: str) -> HttpResponse:
    app = _case(request, tracking_number)
    form = HandOverForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                hand_over(
                    application=app, actor=Actor.staff(request.user),
                    collector_nik=form.cleaned_data["collector_nik"],
                    collector_birth_date=form.cleaned_data["collector_birth_date"],
                    collector_relation=form.cleaned_data["collector_relation"],
                )  # fmt: skip
            except ValidationError as e:
                form.add_error(None, e)
                status = 409 if getattr(e, "code", "") == "invalid_transition" else 400
            else:
                return redirect(f"{reverse('desk:operator_pickups')}?selesai={app.tracking_number}")
    return render(request, "desk/operator/handover.html", {"app": app, "form": form},
                  status=status)  # fmt: skip
