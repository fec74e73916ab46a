"""The dashboard's tables, built once from :class:`~dukcapil.dashboard.selectors.Figures` and used
by both the page and the CSV/XLSX exports, so that an export holds exactly what the page shows.

Every measure is broken down by each dimension: the regency league (``kabupaten``), one table of
the flows and the backlog per kecamatan, service and channel (``kecamatan``, ``layanan``,
``kanal``), and the states, stage times and deliveries per each dimension (``status``, ``tahap``,
``pengiriman`` per regency; the same slugs suffixed ``-kecamatan``, ``-layanan``, ``-kanal``).

Small counts: for a viewer who must not see persons (the province monitor), a count from 1 to 4 is
shown and exported as "<5", and a share or a duration resting on fewer than 5 cases is not shown.
So that a hidden count cannot be recovered by subtracting the shown cells from a shown total, in
the tables whose rows add up to a total shown elsewhere (``additive``: a column adds up to the
scope's total; the age bands of a row add up to its backlog), a complementary cell is hidden as
well ("×"), the smallest ones, until the hidden cells of the line are at least two and hold at
least 5 between them (:func:`complements`). What this does not cover: relations between
different tables (e.g. the states of one table against the backlog of another); the tables that
share a column (the grid and the kecamatan table) hide the same cells.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape  # the stdlib's: no lazy-string wrapper per cell
from typing import Any

from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from dukcapil.applications.models import Channel, Status
from dukcapil.dashboard.rollups import OPEN_STATES, REVIEWED, STAGE_NAMES
from dukcapil.dashboard.selectors import AGE_BANDS, Figures, Hours, Share

SMALL = 5  # counts below this are hidden from protected viewers
HIDDEN = "×"  # a complementary cell hidden so that a "<5" cannot be worked out

STAGE_LABELS = {
    "review": gettext_lazy("Verifikasi"),
    "signing": gettext_lazy("Penandatanganan"),
    "printing": gettext_lazy("Pencetakan"),
    "delivery": gettext_lazy("Pengiriman"),
}
AGE_LABELS = {
    "0-1": gettext_lazy("0–1 hari kerja"),
    "2-3": gettext_lazy("2–3 hari kerja"),
    "4-7": gettext_lazy("4–7 hari kerja"),
    "8+": gettext_lazy("> 7 hari kerja"),
}


@dataclass
class Column:
    key: str
    label: Any
    kind: str = "count"  # text, count, share, hours


@dataclass
class Table:
    slug: str
    title: Any
    columns: list[Column]
    rows: list[dict[str, Any]]
    note: Any = ""
    additive: bool = False  # each count column adds up to a total shown elsewhere
    row_totals: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (total, its parts) in a row
    hidden: set[tuple[int, str]] = field(default_factory=set)  # complements, when protected

    def protected(self) -> Table:
        """This table with its complementary cells worked out for a protected viewer."""
        self.hidden = complements(self)
        return self


def complements(table: Table) -> set[tuple[int, str]]:
    """The cells (row index, column key) to hide besides the small counts, so that no small
    count can be worked out from a total: in each line (a column of an additive table, the parts
    of a row total), the hidden cells are none, or at least two holding at least 5."""
    rows = table.rows
    lines: list[list[tuple[int, str]]] = []
    if table.additive:
        for column in table.columns:
            if column.kind == "count":
                lines.append([(i, column.key) for i in range(len(rows))])
    for _total, parts in table.row_totals:
        lines += [[(i, p) for p in parts] for i in range(len(rows))]
    small = {(i, key) for line in lines for i, key in line if is_small(rows[i][key])}
    if not small:
        return set()
    hidden: set[tuple[int, str]] = set()

    def value(cell: tuple[int, str]) -> int:
        return rows[cell[0]][cell[1]] or 0

    active = lines
    while active:
        touched: set[tuple[int, str]] = set()
        for line in active:
            covered = [c for c in line if c in small or c in hidden]
            total = sum(value(c) for c in covered)
            if not covered or (len(covered) >= 2 and total >= SMALL):
                continue
            spare = sorted((c for c in line if c not in covered and value(c) > 0), key=value)
            while spare and (len(covered) < 2 or total < SMALL):
                cell = spare.pop(0)
                hidden.add(cell)
                touched.add(cell)
                covered.append(cell)
                total += value(cell)
        # A cell hidden in one line may leave another line with a single hidden cell.
        active = [line for line in lines if touched.intersection(line)]
    return hidden


# ---------------------------------------------------------------------------------------------
# Cells


def is_small(n: int | None) -> bool:
    return n is not None and 0 < n < SMALL


class Cells:
    """Cell texts for one page: the language's separators looked up once, not per cell."""

    def __init__(self, protect: bool) -> None:
        self.protect = protect
        self.thousands = get_format("THOUSAND_SEPARATOR")
        self.decimal = get_format("DECIMAL_SEPARATOR")
        self.more_than = _("> %(hours)s jam")
        self.at_most = _("≤ %(hours)s jam")

    def count(self, n: int) -> str:
        return f"{n:,}".replace(",", self.thousands)

    def text(self, value: Any, kind: str) -> str:
        protect = self.protect
        if kind == "count":
            if value is None:
                return "—"
            return "<5" if protect and 0 < value < SMALL else self.count(value)
        if kind == "share":
            if value.value is None or (protect and value.den < SMALL):
                return "—"
            return f"{value.value * 100:.1f}".replace(".", self.decimal) + " %"
        if kind == "hours":
            if value.bucket is None or (protect and value.of < SMALL):
                return "—"
            if value.bound is None:
                return self.more_than % {"hours": 720}
            return self.at_most % {"hours": value.bound}
        return str(value)

    def rows_html(self, table: Table) -> list[SafeString]:
        """The ``<tr>`` of each row (numbers right-aligned), escaped."""
        kinds = [(c.key, c.kind, ' class="num"' if c.kind != "text" else "") for c in table.columns]
        hidden = table.hidden if self.protect else set()
        return [
            mark_safe(  # noqa: S308 - every cell text is escaped
                "<tr>"
                + "".join(
                    f"<td{cls}>"
                    + (HIDDEN if (i, key) in hidden else escape(self.text(row[key], kind)))
                    + "</td>"
                    for key, kind, cls in kinds
                )
                + "</tr>"
            )
            for i, row in enumerate(table.rows)
        ]


def display(value: Any, kind: str, protect: bool) -> str:
    """The text of one cell on the page."""
    return Cells(protect).text(value, kind)


def exported(value: Any, kind: str, protect: bool) -> Any:
    """The value of a cell in CSV/XLSX: a number where the page shows one, text otherwise."""
    if kind == "count":
        return "<5" if protect and is_small(value) else value
    if kind == "share":
        if value.value is None or (protect and value.den < SMALL):
            return None
        return round(value.value * 100, 1)
    if kind == "hours":
        if value.bucket is None or (protect and value.of < SMALL):
            return None
        return value.bound if value.bound is not None else ">720"
    return str(value)


# ---------------------------------------------------------------------------------------------
# Tables


def _reviews(flows: dict[str, int]) -> int:
    return flows["approved"] + flows["rejected"] + flows["revision_requested"]


def _no_flows() -> dict[str, int]:
    from dukcapil.dashboard.models import FLOW_FIELDS

    return dict.fromkeys(FLOW_FIELDS, 0)


# The breakdowns: slug suffix → (dimension, label of its column).
DIMENSION_LABELS = {
    "kabupaten": ("regency", gettext_lazy("Kabupaten/kota")),
    "kecamatan": ("kecamatan", gettext_lazy("Kecamatan")),
    "layanan": ("service", gettext_lazy("Layanan")),
    "kanal": ("channel", gettext_lazy("Kanal")),
}


def members(f: Figures, per: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(code, name, extra text cells) of each member of a breakdown, in their order, within the
    page's filters (services and channels only when they have figures)."""
    scope = f.scope
    if per == "kabupaten":
        return [(c, n, {}) for c, n in f.regencies.items()
                if not scope.regency or c == scope.regency]  # fmt: skip
    if per == "kecamatan":
        return [(c, n, {"regency": f.regencies.get(r, r)}) for c, (r, n) in f.kecamatan.items()]
    dimension = DIMENSION_LABELS[per][0]
    names = dict(f.services) if per == "layanan" else {c.value: str(c.label) for c in Channel}
    chosen = getattr(scope, dimension)
    seen = set(f.flows[dimension]) | set(f.open[dimension]) | set(f.stages.get(dimension, {}))
    return [(c, n, {}) for c, n in names.items()
            if (chosen is None or c == chosen) and (c,) in seen]  # fmt: skip


def _name_columns(per: str) -> list[Column]:
    columns = [Column("name", DIMENSION_LABELS[per][1], "text")]
    if per == "kecamatan":
        columns.append(Column("regency", _("Kabupaten/kota"), "text"))
    return columns


def league(f: Figures) -> Table:
    """The regencies ranked by the share issued within the service level."""
    rows = []
    for code, name, _extra in members(f, "kabupaten"):
        flows = f.by_regency.get((code,)) or _no_flows()
        opened = f.open["regency"].get((code,))
        review = f.stages["regency"].get((code,), {}).get("review", {})
        rows.append({
            "regency": name,
            "received": flows["received"],
            "completed": flows["completed"],
            "rejected": flows["rejected"],
            "backlog": opened["backlog"] if opened else 0,
            **{f"age_{band}": opened["ages"][band] if opened else 0 for band in AGE_BANDS},
            "overdue": opened["overdue"] if opened else 0,
            "on_time": Share(flows["issued_on_time"], flows["issued"]),
            "review_median": review.get("median", Hours(None)),
            "review_p90": review.get("p90", Hours(None)),
            "first_delivery": Share(flows["delivered_first_time"], flows["shipped"]),
            "revision_rate": Share(flows["revision_requested"], _reviews(flows)),
        })  # fmt: skip
    rows.sort(key=lambda r: (-(r["on_time"].value or 0), r["age_8+"], r["regency"]))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    columns = [
        Column("rank", "#", "text"),
        Column("regency", _("Kabupaten/kota"), "text"),
        Column("received", _("Diterima")),
        Column("completed", _("Selesai")),
        Column("rejected", _("Ditolak")),
        Column("backlog", _("Tunggakan")),
        *(Column(f"age_{band}", AGE_LABELS[band]) for band in AGE_BANDS),
        Column("overdue", _("Lewat batas waktu")),
        Column("on_time", _("Terbit dalam waktu layanan"), "share"),
        Column("review_median", _("Median verifikasi"), "hours"),
        Column("review_p90", _("P90 verifikasi"), "hours"),
        Column("first_delivery", _("Terkirim pada percobaan pertama"), "share"),
        Column("revision_rate", _("Tingkat perbaikan"), "share"),
    ]
    return Table("kabupaten", _("Peringkat kabupaten/kota"), columns, rows,
                 note=_("Tingkat perbaikan: permintaan perbaikan dari semua keputusan "
                        "verifikasi."), additive=True,
                 row_totals=(("backlog", tuple(f"age_{band}" for band in AGE_BANDS)),))  # fmt: skip


def breakdown(f: Figures, per: str) -> Table:
    """Flows, backlog by age and shares per kecamatan, service or channel."""
    dimension = DIMENSION_LABELS[per][0]
    rows = []
    for code, name, extra in members(f, per):
        fl = f.flows[dimension].get((code,)) or _no_flows()
        op = f.open[dimension].get((code,))
        row = {"name": name, **extra}
        for key in ("received", "completed", "rejected", "cancelled", "expired"):
            row[key] = fl[key]
        row["backlog"] = op["backlog"] if op else 0
        for band in AGE_BANDS:
            row[f"age_{band}"] = op["ages"][band] if op else 0
        row["overdue"] = op["overdue"] if op else 0
        row["on_time"] = Share(fl["issued_on_time"], fl["issued"])
        row["first_delivery"] = Share(fl["delivered_first_time"], fl["shipped"])
        row["revision_rate"] = Share(fl["revision_requested"], _reviews(fl))
        rows.append(row)
    columns = [
        *_name_columns(per),
        Column("received", _("Diterima")),
        Column("completed", _("Selesai")),
        Column("rejected", _("Ditolak")),
        Column("cancelled", _("Dibatalkan")),
        Column("expired", _("Kedaluwarsa")),
        Column("backlog", _("Tunggakan")),
        *(Column(f"age_{band}", AGE_LABELS[band]) for band in AGE_BANDS),
        Column("overdue", _("Lewat batas waktu")),
        Column("on_time", _("Terbit dalam waktu layanan"), "share"),
        Column("first_delivery", _("Terkirim pada percobaan pertama"), "share"),
        Column("revision_rate", _("Tingkat perbaikan"), "share"),
    ]
    titles = {"kecamatan": _("Per kecamatan"), "layanan": _("Per layanan"),
              "kanal": _("Per kanal")}  # fmt: skip
    ages = tuple(f"age_{band}" for band in AGE_BANDS)
    return Table(per, titles[per], columns, rows, additive=True,
                 row_totals=(("backlog", ages),))  # fmt: skip


def states(f: Figures, per: str = "kabupaten") -> Table:
    """Applications open now in each state, per member of a breakdown."""
    dimension = DIMENSION_LABELS[per][0]
    labels = {s.value: s.label for s in Status}
    rows = []
    for code, name, extra in members(f, per):
        opened = f.open[dimension].get((code,))
        row = {"name": name, **extra}
        for state in OPEN_STATES:
            row[state] = opened["states"][state] if opened else 0
        rows.append(row)
    columns = _name_columns(per) + [Column(state, labels[state]) for state in OPEN_STATES]
    return Table(_slug("status", per), _("Permohonan terbuka per status (saat ini)"), columns,
                 rows, additive=True)  # fmt: skip


def stages(f: Figures, per: str = "kabupaten") -> Table:
    dimension = DIMENSION_LABELS[per][0]
    rows = []
    for code, name, extra in members(f, per):
        per_stage = f.stages[dimension].get((code,))
        if per_stage is None:
            continue
        for stage in STAGE_NAMES:
            s = per_stage[stage]
            rows.append({"name": name, **extra, "stage": STAGE_LABELS[stage],
                         "count": s["count"], "median": s["median"], "p90": s["p90"]})  # fmt: skip
    columns = [
        *_name_columns(per),
        Column("stage", _("Tahap"), "text"),
        Column("count", _("Jumlah")),
        Column("median", _("Median"), "hours"),
        Column("p90", _("Persentil ke-90"), "hours"),
    ]
    return Table(_slug("tahap", per), _("Lama tiap tahap"), columns, rows,
                 note=_("Lama dihitung pada hari tahap selesai; median dan persentil ke-90 "
                        "dibaca dari kelompok jam tetap (batas atas kelompoknya)."))  # fmt: skip


def deliveries(f: Figures, per: str = "kabupaten") -> Table:
    dimension = DIMENSION_LABELS[per][0]
    rows = []
    for code, name, extra in members(f, per):
        flows = f.flows[dimension].get((code,))
        if flows is None or not flows["shipped"] + flows["returned"]:
            continue
        rows.append({
            "name": name, **extra, "shipped": flows["shipped"],
            "first_time": flows["delivered_first_time"], "returned": flows["returned"],
            "share": Share(flows["delivered_first_time"], flows["shipped"]),
        })  # fmt: skip
    columns = [
        *_name_columns(per),
        Column("shipped", _("Dikirim")),
        Column("first_time", _("Terkirim pada percobaan pertama")),
        Column("returned", _("Dikembalikan")),
        Column("share", _("Berhasil pertama kali"), "share"),
    ]
    return Table(_slug("pengiriman", per), _("Pengiriman"), columns, rows, additive=True)


@lru_cache(maxsize=8)
def requirement_labels(language: str, minute: int) -> dict[tuple[str, str], str]:
    """(service, requirement code) → label, read at most once a minute per language."""
    from dukcapil.catalog.models import Service, requirement_label

    labels = {}
    for code, requirements in Service.objects.values_list("code", "current_version__requirements"):
        for requirement in requirements or []:
            labels[(code, requirement["code"])] = requirement_label(requirement)
    return labels


def revisions(f: Figures) -> Table:
    """Per requirement: how often it was sent back, and the revision rate: the share of the
    applications of its service reviewed for the first time in the period whose first review
    sent this paper back."""
    labels = requirement_labels((get_language() or "id")[:2], int(time.monotonic() // 60))
    reviewed = {service: v["first"] for (service, code), v in f.revisions.items()
                if code == REVIEWED}  # fmt: skip
    named = [(k, v) for k, v in f.revisions.items() if k[1] != REVIEWED and v["n"]]
    rows = []
    for (service, requirement), v in sorted(named, key=lambda kv: (-kv[1]["n"], kv[0])):
        first_reviews = reviewed.get(service, 0)
        rows.append({
            "service": f.services.get(service, service),
            "requirement": labels.get((service, requirement), requirement),
            "count": v["n"], "first": v["first"], "reviewed": first_reviews,
            "rate": Share(v["first"], first_reviews),
        })  # fmt: skip
    columns = [
        Column("service", _("Layanan"), "text"),
        Column("requirement", _("Persyaratan"), "text"),
        Column("count", _("Diminta perbaikan")),
        Column("first", _("Pada verifikasi pertama")),
        Column("reviewed", _("Permohonan layanan ini diverifikasi pertama kali")),
        Column("rate", _("Tingkat perbaikan"), "share"),
    ]
    note = _("Tingkat perbaikan = permohonan yang persyaratan ini diminta diperbaiki pada "
             "verifikasi pertamanya ÷ permohonan layanan yang sama yang diverifikasi pertama "
             "kali dalam periode (tiap permohonan dihitung sekali).")  # fmt: skip
    return Table("perbaikan", _("Persyaratan yang paling sering diperbaiki"), columns, rows,
                 note=note)  # fmt: skip


def daily(f: Figures) -> Table:
    """Every day of the period, quiet ones too (the chart's x axis is the calendar); every month
    when the page's filters leave only the monthly grain."""
    rows = []
    day = f.period.start
    monthly = f.day_unit == "month"
    while day <= f.period.end:
        v = f.by_day.get((day,)) or {"received": 0, "completed": 0, "rejected": 0}
        rows.append({"day": day.isoformat()[: 7 if monthly else 10], "received": v["received"],
                     "completed": v["completed"], "rejected": v["rejected"]})  # fmt: skip
        day = _next_month(day) if monthly else day + dt.timedelta(days=1)
    columns = [
        Column("day", _("Bulan") if monthly else _("Tanggal"), "text"),
        Column("received", _("Diterima")),
        Column("completed", _("Selesai")),
        Column("rejected", _("Ditolak")),
    ]
    title = _("Per bulan") if monthly else _("Per hari")
    return Table("harian", title, columns, rows, additive=True)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _slug(base: str, per: str) -> str:
    return base if per == "kabupaten" else f"{base}-{per}"


def _per(build: Callable[[Figures, str], Table], per: str) -> Callable[[Figures], Table]:
    def built(f: Figures) -> Table:
        return build(f, per)

    return built


BUILDERS: dict[str, Callable[[Figures], Table]] = {
    "kabupaten": league,
    "kecamatan": _per(breakdown, "kecamatan"),
    "layanan": _per(breakdown, "layanan"),
    "kanal": _per(breakdown, "kanal"),
    **{
        _slug(base, per): _per(build, per)
        for base, build in (("status", states), ("tahap", stages), ("pengiriman", deliveries))
        for per in DIMENSION_LABELS
    },  # fmt: skip
    "perbaikan": revisions,
    "harian": daily,
}


def stage_dimensions(slugs: Sequence[str]) -> tuple[str, ...]:
    """The stage-time breakdowns the tables ``slugs`` need (read only then)."""
    return tuple(DIMENSION_LABELS[per][0] for per in DIMENSION_LABELS
                 if _slug("tahap", per) in slugs)  # fmt: skip


def detail_slugs(per: str) -> Sequence[str]:
    """The tables a page shows for its chosen breakdown ``per``."""
    return tuple(_slug(base, per) for base in ("status", "tahap", "pengiriman"))


def all_tables(f: Figures) -> list[Table]:
    return [build(f) for build in BUILDERS.values()]
