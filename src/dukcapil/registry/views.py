"""Staff pages of the registry: find a resident in one's jurisdiction and see the family card and
the history. Thin: parse, call a selector, render."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from dukcapil.accounts.decorators import role_required
from dukcapil.accounts.models import Role
from dukcapil.accounts.selectors import scope_to_jurisdiction
from dukcapil.registry import selectors
from dukcapil.registry.forms import ResidentSearchForm
from dukcapil.registry.models import Resident

REGISTRY_ROLES = (
    Role.KECAMATAN_OPERATOR,
    Role.VERIFIER,
    Role.SIGNING_OFFICIAL,
    Role.DISPATCH_OFFICER,
    Role.REGENCY_HEAD,
    Role.ADMINISTRATOR,
)


@role_required(*REGISTRY_ROLES)
def search(request: HttpRequest) -> HttpResponse:
    form = ResidentSearchForm(request.GET or None)
    results: list[Resident] = []
    if form.is_valid():
        residents = scope_to_jurisdiction(
            Resident.objects.select_related("family__desa__kecamatan"), user=request.user
        )
        if form.cleaned_data["nik"]:
            results = list(
                residents.filter(nik_index=selectors.nik_index(form.cleaned_data["nik"]))
            )
        else:
            results = list(
                selectors.search_residents_by_name(
                    residents,
                    name=form.cleaned_data["name"],
                    birth_date=form.cleaned_data["birth_date"],
                )[:50]
            )
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "registry/search.html",
        {"form": form, "results": results, "full_nik": request.user.sees_full_identifiers},
        status=status,
    )


@role_required(*REGISTRY_ROLES)
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    residents = scope_to_jurisdiction(
        Resident.objects.select_related("family__desa__kecamatan__regency"), user=request.user
    )
    resident = residents.filter(pk=pk).first()
    if resident is None:
        raise Http404
    family = resident.family
    return render(
        request,
        "registry/resident_detail.html",
        {
            "resident": resident,
            "family": family,
            "members": selectors.family_members(family) if family else [],
            "changes": resident.changes.select_related("actor").order_by("-at")[:50],
            "full_nik": request.user.sees_full_identifiers,
        },
    )
