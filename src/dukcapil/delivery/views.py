"""Dispatch pages under ``/kantor/pengiriman/``. Thin: parse, call one service or selector,
render. Every list and object is scoped to the user's jurisdiction by the selectors."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dukcapil.accounts.decorators import role_required
from dukcapil.accounts.models import Role
from dukcapil.accounts.selectors import scope_to_jurisdiction
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application, Status
from dukcapil.delivery import labels, selectors, services
from dukcapil.delivery.forms import CollectionForm, CreateShipmentForm, EventForm, ResiForm
from dukcapil.delivery.models import Direction, ParcelStatus, Shipment
from dukcapil.delivery.providers.base import CourierError

ROLES = (Role.DISPATCH_OFFICER, Role.KECAMATAN_OPERATOR)


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _shipment(request: HttpRequest, pk: int) -> Shipment:
    return get_object_or_404(selectors.shipments_for(request.user), pk=pk)


@require_GET
@role_required(*ROLES)
def shipment_list(request: HttpRequest) -> HttpResponse:
    return render(request, "delivery/list.html", {
        "shipments": selectors.shipments_for(request.user)[:100],
        "awaiting": selectors.awaiting_delivery(request.user)[:100],
        "today": timezone.localdate(),
        "form": CreateShipmentForm(),
    })  # fmt: skip


@require_POST
@role_required(*ROLES)
def create(request: HttpRequest) -> HttpResponse:
    form = CreateShipmentForm(request.POST)
    if not form.is_valid():
        return _refuse(request, [str(e) for errs in form.errors.values() for e in errs])
    app = get_object_or_404(
        scope_to_jurisdiction(Application.objects.all(), user=request.user),
        tracking_number=form.cleaned_data["tracking_number"],
    )
    try:
        shipment = services.create_shipment(
            application=app,
            direction=form.cleaned_data["direction"],
            actor=Actor.staff(request.user),
            address=form.given_address(),
            contact_name=form.cleaned_data["contact_name"],
            contact_phone=form.cleaned_data["contact_phone"],
            receipt_number=form.cleaned_data["receipt_number"],
        )
    except ValidationError as exc:
        return _refuse(request, _errors(exc))
    except CourierError as exc:
        message = _("Kurir menolak atau tidak dapat dihubungi: %(error)s") % {"error": exc}
        return _refuse(request, [message], status=400 if exc.permanent else 503)
    messages.success(request, _("Kiriman dibuat, resi %(resi)s.") % {
        "resi": shipment.receipt_number or "-"})  # fmt: skip
    return redirect("delivery:detail", pk=shipment.pk)


def _refuse(request: HttpRequest, errors: list[str], status: int = 400) -> HttpResponse:
    return render(request, "delivery/refused.html", {"errors": errors}, status=status)


@require_GET
@role_required(*ROLES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = _shipment(request, pk)
    return render(request, "delivery/detail.html", {
        "shipment": shipment,
        "events": shipment.events.select_related("recorded_by").order_by("occurred_at", "id"),
        "event_form": EventForm(),
        "resi_form": ResiForm(),
        "collection_form": CollectionForm(),
        "can_collect": shipment.direction == Direction.DELIVERY
        and shipment.status == ParcelStatus.RETURNED
        and shipment.application.status == Status.READY_FOR_PICKUP,
        "collection": selectors.collection_of(shipment),
    })  # fmt: skip


@require_GET
@role_required(*ROLES)
def label(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = _shipment(request, pk)
    try:
        pdf = labels.render_label(shipment)
    except ValidationError as exc:
        return _refuse(request, _errors(exc))
    response = HttpResponse(pdf, content_type="application/pdf")
    safe = re.sub(r"[^A-Za-z0-9-]", "", shipment.receipt_number or "")
    response["Content-Disposition"] = f'inline; filename="label-{safe}.pdf"'
    return response


@require_GET
@role_required(*ROLES)
def manifest(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("pdf", "csv"):
        raise Http404
    try:
        day = dt.date.fromisoformat(request.GET.get("tanggal") or timezone.localdate().isoformat())
    except ValueError:
        return _refuse(request, [_("Tanggal tidak valid (format TTTT-BB-HH).")])
    office = request.GET.get("kantor") or request.user.regency_id or ""
    shipments = selectors.manifest_shipments(request.user, day=day, office=office or None)
    name = f"manifest-{office or 'semua'}-{day.isoformat()}"
    if fmt == "csv":
        response = HttpResponse(labels.render_manifest_csv(shipments), content_type="text/csv")
    else:
        office_name = shipments[0].application.office.name if shipments else office
        pdf = labels.render_manifest_pdf(shipments, day=day, office_name=office_name)
        response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _act(request: HttpRequest, pk: int, form_class: type, call) -> HttpResponse:  # noqa: ANN001
    shipment = _shipment(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _refuse(request, [str(e) for errs in form.errors.values() for e in errs])
    try:
        call(shipment, form.cleaned_data, Actor.staff(request.user))
    except ValidationError as exc:
        return _refuse(request, _errors(exc))
    except PermissionDenied:
        raise
    except CourierError as exc:
        message = _("Kurir menolak atau tidak dapat dihubungi: %(error)s") % {"error": exc}
        return _refuse(request, [message], status=400 if exc.permanent else 503)
    messages.success(request, _("Tersimpan."))
    return redirect("delivery:detail", pk=shipment.pk)


@require_POST
@role_required(*ROLES)
def record_resi(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, ResiForm, lambda s, d, a: services.set_receipt_number(
        shipment=s, actor=a, receipt_number=d["receipt_number"]))  # fmt: skip


@require_POST
@role_required(*ROLES)
def record_event(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, EventForm, lambda s, d, a: services.add_manual_event(
        shipment=s, actor=a, code=d["code"], occurred_at=d["occurred_at"],
        receiver_name=d["receiver_name"], location=d["location"], note=d["note"]))  # fmt: skip


@require_POST
@role_required(*ROLES)
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    class NoFields(forms.Form):  # a form without fields: nothing to parse
        pass

    return _act(
        request, pk, NoFields, lambda s, d, a: services.cancel_shipment(shipment=s, actor=a)
    )


@require_POST
@role_required(*ROLES)
def collected(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, CollectionForm, lambda s, d, a: services.record_collection(
        shipment=s, actor=a, collector_nik=d["collector_nik"],
        collector_birth_date=d["collector_birth_date"],
        collector_relation=d["collector_relation"]))  # fmt: skip
