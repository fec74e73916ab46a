"""Dashboard pages (``/dasbor/``) and their exports. Thin: the scope comes from the user's
jurisdiction, the figures from :mod:`dukcapil.dashboard.selectors` (rollups only), the tables from
:mod:`dukcapil.dashboard.tables`, which the exports share.

The province monitor (and the administrator) see every regency; a regency head sees their own
regency only (another regency's page is "not found"). Nothing here reads an application, a resident
or an event: no personal field can reach these pages.
"""

from __future__ import annotations

from html import escape  # the stdlib's: 155 tiles, no lazy-string wrapper each

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dukcapil.accounts.decorators import role_required
from dukcapil.accounts.models import ROLES_WITHOUT_PERSONAL_DATA, JurisdictionLevel, Role
from dukcapil.dashboard import charts, exports, selectors, tables
from dukcapil.dashboard.forms import PeriodForm
from dukcapil.dashboard.selectors import AGE_BANDS, Scope

DASHBOARD_ROLES = (Role.PROVINCE_MONITOR, Role.REGENCY_HEAD, Role.ADMINISTRATOR)


def _scope(request: HttpRequest, regency: str | None) -> Scope:
    """The regency asked for, if this user may see it (else 404); None: the province."""
    user = request.user
    if user.jurisdiction_level == JurisdictionLevel.PROVINCE:
        if regency is not None and regency not in selectors.regency_names():
            raise Http404
        return Scope(regency)
    if user.jurisdiction_level == JurisdictionLevel.REGENCY and user.regency_id:
        if regency is not None and regency != user.regency_id:
            raise Http404
        return Scope(user.regency_id)
    raise Http404


def _protect(request: HttpRequest) -> bool:
    return request.user.role in ROLES_WITHOUT_PERSONAL_DATA


@require_GET
@role_required(*DASHBOARD_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    if request.user.jurisdiction_level == JurisdictionLevel.REGENCY:
        url = reverse("dashboard:regency", args=[request.user.regency_id])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)
    return _page(request, None)


@require_GET
@role_required(*DASHBOARD_ROLES)
def regency(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, code)


def _page(request: HttpRequest, code: str | None) -> HttpResponse:
    scope = _scope(request, code)
    protect = _protect(request)
    names = selectors.regency_names()
    form = PeriodForm(request.GET)
    context = {
        "form": form,
        "scope": scope,
        "place": names.get(scope.regency, "") if scope.regency else _("Seluruh provinsi"),
        "protect": protect,
        "province_level": request.user.jurisdiction_level == JurisdictionLevel.PROVINCE,
    }
    if not form.is_valid():
        return render(request, "dashboard/index.html", context, status=400)
    period = form.cleaned_data["period"]
    figures = selectors.dashboard(scope, period)
    built = tables.all_tables(figures)
    cells = tables.Cells(protect)
    # The form shows the period in force (the default one too).
    context["form"] = PeriodForm({"dari": period.start, "sampai": period.end})
    query = {"dari": period.start.isoformat(), "sampai": period.end.isoformat()}
    if scope.regency:
        query["kabupaten"] = scope.regency
    context.update(
        period=period,
        figures=figures,
        summary=_summary(figures, cells),
        # The province page leaves the 155-row kecamatan table to the grid, the regency pages
        # and the exports.
        tables=[_rendered(t, cells) for t in built if scope.regency or t.slug != "kecamatan"],
        export_query="&".join(f"{k}={v}" for k, v in query.items()),
        charts=_charts(figures, built, protect),
        grid=_grid(figures, names, cells),
        regency_links=[(c, n) for c, n in names.items()] if context["province_level"] else [],
    )
    return render(request, "dashboard/index.html", context)


def _summary(figures: selectors.Figures, cells: tables.Cells) -> list[tuple[str, str]]:
    totals, opened = figures.totals, figures.open_total
    return [
        (_("Diterima"), cells.text(totals["received"], "count")),
        (_("Selesai"), cells.text(totals["completed"], "count")),
        (_("Ditolak"), cells.text(totals["rejected"], "count")),
        (_("Tunggakan"), cells.text(opened["backlog"], "count")),
        (_("Lewat batas waktu"), cells.text(opened["overdue"], "count")),
    ]


def _rendered(table: tables.Table, cells: tables.Cells) -> dict:
    return {
        "slug": table.slug,
        "title": table.title,
        "columns": table.columns,
        "rows": cells.rows_html(table),
    }


def _charts(figures: selectors.Figures, built: list[tables.Table], protect: bool) -> list:
    daily = next(t for t in built if t.slug == "harian")
    days = [row["day"] for row in daily.rows]
    volume = charts.lines(
        _("Permohonan per hari"),
        days,
        [
            (_("Diterima"), charts.BLUE, [row["received"] for row in daily.rows]),
            (_("Selesai"), charts.GREEN, [row["completed"] for row in daily.rows]),
        ],
        protect=protect,
    )
    ages = figures.open_total["ages"]
    colours = (charts.GREEN, charts.BLUE, charts.AMBER, charts.RED)
    backlog = charts.bars(
        _("Tunggakan menurut umur"),
        [(str(tables.AGE_LABELS[b]), ages[b], c) for b, c in zip(AGE_BANDS, colours, strict=True)],
        protect=protect,
    )
    league = next(t for t in built if t.slug == "kabupaten")
    shares = [
        (row["regency"], (row["on_time"].value or 0) * 100, charts.GREEN)
        for row in league.rows
        if row["on_time"].value is not None and not (protect and row["on_time"].den < 5)
    ]
    service_level = charts.bars(
        _("Terbit dalam waktu layanan (%)"), shares, protect=protect, unit=" %", maximum=100,
        counts=False,
    )  # fmt: skip
    return [
        (_("Volume"), volume),
        (_("Tunggakan"), backlog),
        (_("Waktu layanan"), service_level),
    ]


def _grid(figures: selectors.Figures, names: dict[str, str], cells: tables.Cells) -> list[dict]:
    """Kecamatan tiles grouped by regency, shaded by the backlog older than 3 working days
    (relative to the worst kecamatan shown), so that a stuck office stands out."""
    olds = {
        code: (e["ages"]["4-7"] + e["ages"]["8+"])
        for (code,), e in figures.open_by_kecamatan.items()
    }
    worst = max(olds.values(), default=0)
    groups: dict[str, dict] = {}
    for code, (regency_code, name) in figures.kecamatan.items():
        old = olds.get(code, 0)
        level = min(4, 1 + int(3 * old / worst)) if old and worst else 0
        backlog = figures.open_by_kecamatan[(code,)]["backlog"] if olds.get(code) is not None else 0
        group = groups.setdefault(regency_code, {"name": names.get(regency_code, ""), "tiles": []})
        name = escape(name)
        figures_text = escape(f"{cells.text(old, 'count')} / {cells.text(backlog, 'count')}")
        group["tiles"].append(
            f'<li class="lvl{level}" title="{name}"><span>{name}</span><b>{figures_text}</b></li>'
        )
    for group in groups.values():
        group["tiles"] = mark_safe("".join(group["tiles"]))  # noqa: S308 - escaped above
    return list(groups.values())


@require_GET
@role_required(*DASHBOARD_ROLES)
def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    if table not in tables.BUILDERS or fmt not in ("csv", "xlsx"):
        raise Http404
    scope = _scope(request, request.GET.get("kabupaten") or None)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            " ".join(str(e) for e in form.non_field_errors() or [_("Periode tidak sah.")]),
            status=400, content_type="text/plain; charset=utf-8",
        )  # fmt: skip
    period = form.cleaned_data["period"]
    built = tables.BUILDERS[table](selectors.dashboard(scope, period))
    place = scope.regency.replace(".", "") if scope.regency else "provinsi"
    filename = f"dasbor-{table}-{place}-{period.start.isoformat()}-{period.end.isoformat()}"
    writer = exports.as_csv if fmt == "csv" else exports.as_xlsx
    return writer(built, protect=_protect(request), filename=filename)
