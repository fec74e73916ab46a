"""Dashboard pages (``/dasbor/``) and their exports. Thin: the scope comes from the user's
jurisdiction, the figures from :mod:`dukcapil.dashboard.selectors` (rollups only), the tables from
:mod:`dukcapil.dashboard.tables`, which the exports share.

The province monitor (and the administrator) see every regency; a regency head sees their own
regency only (another regency's page is "not found"). Nothing here reads an application, a resident
or an event: no personal field can reach these pages.
"""

from __future__ import annotations

from html import escape  # the stdlib's: 155 tiles, no lazy-string wrapper each
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dukcapil.accounts.decorators import role_required
from dukcapil.accounts.models import ROLES_WITHOUT_PERSONAL_DATA, JurisdictionLevel, Role
from dukcapil.dashboard import charts, exports, selectors, tables
from dukcapil.dashboard.forms import FilterForm
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


def _filters(data: Any, scope: Scope) -> FilterForm:
    breakdowns = {per: str(label) for per, (_d, label) in tables.DIMENSION_LABELS.items()}
    if scope.regency:
        breakdowns.pop("kabupaten")
    kecamatan = {code: name for code, (_r, name) in selectors.kecamatan_names(scope).items()}
    return FilterForm(data, kecamatan=kecamatan, services=selectors.service_names(),
                      breakdowns=breakdowns)  # fmt: skip


def _narrowed(scope: Scope, data: dict) -> Scope:
    """``scope`` with the form's filters (a kecamatan brings its regency)."""
    kecamatan = data.get("kecamatan") or None
    regency = scope.regency
    if kecamatan:
        regency = selectors.kecamatan_names(scope)[kecamatan][0]
    return Scope(regency, kecamatan, data.get("layanan") or None, data.get("kanal") or None)


def _per(scope: Scope, data: dict) -> str:
    return data.get("per") or ("kecamatan" if scope.regency else "kabupaten")


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
    base = _scope(request, code)
    protect = _protect(request)
    names = selectors.regency_names()
    form = _filters(request.GET, base)
    context = {
        "form": form,
        "selects": _selects(form),
        "scope": base,
        "place": names.get(base.regency, "") if base.regency else _("Seluruh provinsi"),
        "protect": protect,
        "province_level": request.user.jurisdiction_level == JurisdictionLevel.PROVINCE,
    }
    if not form.is_valid():
        return render(request, "dashboard/index.html", context, status=400)
    data = form.cleaned_data
    scope, per = _narrowed(base, data), _per(base, data)
    period = data["period"]
    shown = ["kabupaten", "kecamatan", "layanan", "kanal", *tables.detail_slugs(per),
             "perbaikan", "harian"]  # fmt: skip
    figures = selectors.dashboard(scope, period,
                                  stage_dimensions=tables.stage_dimensions(shown))  # fmt: skip
    cells = tables.Cells(protect)
    built = {slug: tables.BUILDERS[slug](figures) for slug in shown}
    if protect:
        for table in built.values():
            table.protected()
    query = {k: v for k, v in request.GET.items() if k in form.fields and v}
    query.update(dari=period.start.isoformat(), sampai=period.end.isoformat())
    if base.regency:
        query["kabupaten"] = base.regency
    context.update(
        # The form shows the period in force (the default one too).
        form=(shown_form := _filters(query, base)),
        selects=_selects(shown_form),
        scope=scope,
        period=figures.period,
        figures=figures,
        per=per,
        summary=_summary(figures, cells),
        # The province page leaves the 155-row kecamatan table to the grid, the regency pages
        # and the exports.
        tables=[
            _rendered(built[slug], cells)
            for slug in shown
            if slug != "kecamatan" or base.regency or scope.kecamatan
        ],  # fmt: skip
        export_query=urlencode(query),
        charts=_charts(figures, built, protect),
        grid=_grid(figures, names, cells, built["kecamatan"]),
        regency_links=[(c, n) for c, n in names.items()] if context["province_level"] else [],
    )
    return render(request, "dashboard/index.html", context)


def _selects(form: FilterForm) -> list[SafeString]:
    """The filter selects, written here: 155 kecamatan options through the widget templates
    cost a third of the page."""
    out = []
    for name in ("kecamatan", "layanan", "kanal", "per"):
        field = form.fields[name]
        chosen = str(form.data.get(name) or "")
        options = "".join(
            f'<option value="{escape(str(value))}"{" selected" if str(value) == chosen else ""}>'
            f"{escape(str(label))}</option>"
            for value, label in field.choices
        )
        errors = "".join(f'<span class="errorlist">{escape(str(e))}</span>'
                         for e in form.errors.get(name, []))  # fmt: skip
        out.append(mark_safe(  # noqa: S308 - every text above is escaped
            f'<div><label for="id_{name}">{escape(str(field.label))}:</label>'
            f'<select name="{name}" id="id_{name}">{options}</select>{errors}</div>'
        ))  # fmt: skip
    return out


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
        "note": table.note,
        "columns": table.columns,
        "rows": cells.rows_html(table),
    }


def _charts(figures: selectors.Figures, built: dict[str, tables.Table], protect: bool) -> list:
    daily = built["harian"]
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
    # The bands add up to the backlog tile: a "<5" band takes a complement along.
    bands = tables.Table("umur", "", [tables.Column(b, "") for b in AGE_BANDS], [ages],
                         row_totals=(("", AGE_BANDS),))  # fmt: skip
    hidden = {key for _i, key in tables.complements(bands)} if protect else set()
    backlog = charts.bars(
        _("Tunggakan menurut umur"),
        [(str(tables.AGE_LABELS[b]), ages[b], c) for b, c in zip(AGE_BANDS, colours, strict=True)],
        protect=protect,
        hidden={str(tables.AGE_LABELS[b]) for b in hidden},
    )
    league = built["kabupaten"]
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


def _grid(figures: selectors.Figures, names: dict[str, str], cells: tables.Cells,
          table: tables.Table) -> list[dict]:  # fmt: skip
    """Kecamatan tiles grouped by regency, shaded by the backlog older than 3 working days
    (relative to the worst kecamatan shown), so that a stuck office stands out. The number is
    the backlog, hidden where the kecamatan table hides it."""
    olds = {
        code: (e["ages"]["4-7"] + e["ages"]["8+"])
        for (code,), e in figures.open["kecamatan"].items()
    }
    worst = max(olds.values(), default=0)
    hidden = {i for i, key in table.hidden if key == "backlog"} if cells.protect else set()
    groups: dict[str, dict] = {}
    for i, (code, (regency_code, name)) in enumerate(figures.kecamatan.items()):
        old = olds.get(code, 0)
        level = min(4, 1 + int(3 * old / worst)) if old and worst else 0
        backlog = table.rows[i]["backlog"]
        group = groups.setdefault(regency_code, {"name": names.get(regency_code, ""), "tiles": []})
        name = escape(name)
        text = tables.HIDDEN if i in hidden else escape(cells.text(backlog, "count"))
        group["tiles"].append(
            f'<li class="lvl{level}" title="{name}"><span>{name}</span><b>{text}</b></li>'
        )
    for group in groups.values():
        group["tiles"] = mark_safe("".join(group["tiles"]))  # noqa: S308 - escaped above
    return list(groups.values())


@require_GET
@role_required(*DASHBOARD_ROLES)
def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    if table not in tables.BUILDERS or fmt not in ("csv", "xlsx"):
        raise Http404
    base = _scope(request, request.GET.get("kabupaten") or None)
    form = _filters(request.GET, base)
    if not form.is_valid():
        errors = [str(e) for e in form.non_field_errors()]
        errors += [f"{name}: {e}" for name, es in form.errors.items() if name != "__all__"
                   for e in es]  # fmt: skip
        return HttpResponse(" ".join(errors or [_("Periode tidak sah.")]), status=400,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    scope = _narrowed(base, form.cleaned_data)
    period = form.cleaned_data["period"]
    figures = selectors.dashboard(scope, period,
                                  stage_dimensions=tables.stage_dimensions([table]))  # fmt: skip
    built = tables.BUILDERS[table](figures)
    protect = _protect(request)
    if protect:
        built.protected()
    place = "-".join(v.replace(".", "") for v in scope.filters.values()) or "provinsi"
    filename = (f"dasbor-{table}-{place}-{figures.period.start.isoformat()}-"
                f"{figures.period.end.isoformat()}")  # fmt: skip
    writer = exports.as_csv if fmt == "csv" else exports.as_xlsx
    return writer(built, protect=protect, filename=filename)
