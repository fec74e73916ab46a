"""The dashboard's tables, built once from :class:`~dukcapil.dashboard.selectors.Figures` and used
by both the page and the CSV/XLSX exports, so that an export holds exactly what the page shows.

Small counts: for a viewer who must not see persons (the province monitor), a count from 1 to 4 is
shown and exported as "<5", and a share or a duration resting on fewer than 5 cases is not shown.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from html import escape  # the stdlib's: no lazy-string wrapper per cell
from typing import Any

from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from dukcapil.applications.models import Channel, Status
from dukcapil.dashboard.rollups import OPEN_STATES, STAGE_NAMES
from dukcapil.dashboard.selectors import AGE_BANDS, Figures, Hours, Share

SMALL = 5  # counts below this are hidden from protected viewers

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
        return [
            mark_safe(  # noqa: S308 - every cell text is escaped
                "<tr>"
                + "".join(
                    f"<td{cls}>{escape(self.text(row[key], kind))}</td>" for key, kind, cls in kinds
                )  # fmt: skip
                + "</tr>"
            )
            for row in table.rows
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


def league(f: Figures) -> Table:
    """The regencies ranked by the share issued within the service level."""
    rows = []
    for code, name in f.regencies.items():
        if f.scope.regency and code != f.scope.regency:
            continue
        flows = f.by_regency.get((code,)) or dict.fromkeys(f.totals, 0)
        opened = f.open_by_regency.get((code,))
        stages = f.stages_by_regency.get((code,), {})
        review = stages.get("review", {})
        rows.append({
            "regency": name,
            "received": flows["received"],
            "completed": flows["completed"],
            "rejected": flows["rejected"],
            "backlog": opened["backlog"] if opened else 0,
            "backlog_old": opened["ages"]["8+"] if opened else 0,
            "overdue": opened["overdue"] if opened else 0,
            "on_time": Share(flows["issued_on_time"], flows["issued"]),
            "review_median": review.get("median", Hours(None)),
            "review_p90": review.get("p90", Hours(None)),
            "first_delivery": Share(flows["delivered_first_time"], flows["shipped"]),
            "revision_rate": Share(flows["revision_requested"], _reviews(flows)),
        })  # fmt: skip
    rows.sort(key=lambda r: (-(r["on_time"].value or 0), r["backlog_old"], r["regency"]))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    columns = [
        Column("rank", "#", "text"),
        Column("regency", _("Kabupaten/kota"), "text"),
        Column("received", _("Diterima")),
        Column("completed", _("Selesai")),
        Column("rejected", _("Ditolak")),
        Column("backlog", _("Tunggakan")),
        Column("backlog_old", _("Tunggakan > 7 hari kerja")),
        Column("overdue", _("Lewat batas waktu")),
        Column("on_time", _("Terbit dalam waktu layanan"), "share"),
        Column("review_median", _("Median verifikasi"), "hours"),
        Column("review_p90", _("P90 verifikasi"), "hours"),
        Column("first_delivery", _("Terkirim pada percobaan pertama"), "share"),
        Column("revision_rate", _("Tingkat perbaikan"), "share"),
    ]
    return Table("kabupaten", _("Peringkat kabupaten/kota"), columns, rows)


def kecamatan(f: Figures) -> Table:
    names = f.regencies
    rows = []
    for code, (regency, name) in f.kecamatan.items():
        flows = f.by_kecamatan.get((code,))
        opened = f.open_by_kecamatan.get((code,))
        row = {
            "kecamatan": name,
            "regency": names.get(regency, regency),
            "received": flows["received"] if flows else 0,
            "completed": flows["completed"] if flows else 0,
            "rejected": flows["rejected"] if flows else 0,
            "backlog": opened["backlog"] if opened else 0,
            "overdue": opened["overdue"] if opened else 0,
        }
        for band in AGE_BANDS:
            row[f"age_{band}"] = opened["ages"][band] if opened else 0
        rows.append(row)
    columns = [
        Column("kecamatan", _("Kecamatan"), "text"),
        Column("regency", _("Kabupaten/kota"), "text"),
        Column("received", _("Diterima")),
        Column("completed", _("Selesai")),
        Column("rejected", _("Ditolak")),
        Column("backlog", _("Tunggakan")),
        *(Column(f"age_{band}", AGE_LABELS[band]) for band in AGE_BANDS),
        Column("overdue", _("Lewat batas waktu")),
    ]
    return Table("kecamatan", _("Kecamatan"), columns, rows)


def _by_kind(f: Figures, slug: str, title: Any, label: Any, keys: dict[str, Any],
             flows: dict, opened: dict) -> Table:  # fmt: skip
    rows = []
    for code, name in keys.items():
        fl = flows.get((code,))
        op = opened.get((code,))
        if fl is None and op is None:
            continue
        fl = fl or dict.fromkeys(f.totals, 0)
        rows.append({
            "name": name,
            "received": fl["received"],
            "completed": fl["completed"],
            "rejected": fl["rejected"],
            "cancelled": fl["cancelled"],
            "expired": fl["expired"],
            "revision_requested": fl["revision_requested"],
            "on_time": Share(fl["issued_on_time"], fl["issued"]),
            "backlog": op["backlog"] if op else 0,
        })  # fmt: skip
    columns = [
        Column("name", label, "text"),
        Column("received", _("Diterima")),
        Column("completed", _("Selesai")),
        Column("rejected", _("Ditolak")),
        Column("cancelled", _("Dibatalkan")),
        Column("expired", _("Kedaluwarsa")),
        Column("revision_requested", _("Diminta perbaikan")),
        Column("on_time", _("Terbit dalam waktu layanan"), "share"),
        Column("backlog", _("Tunggakan")),
    ]
    return Table(slug, title, columns, rows)


def services(f: Figures) -> Table:
    return _by_kind(f, "layanan", _("Per layanan"), _("Layanan"), f.services, f.by_service,
                    f.open_by_service)  # fmt: skip


def channels(f: Figures) -> Table:
    labels = {c.value: c.label for c in Channel}
    return _by_kind(f, "kanal", _("Per kanal"), _("Kanal"), labels, f.by_channel,
                    f.open_by_channel)  # fmt: skip


def states(f: Figures) -> Table:
    """Applications open now in each state, per regency."""
    labels = {s.value: s.label for s in Status}
    rows = []
    for code, name in f.regencies.items():
        if f.scope.regency and code != f.scope.regency:
            continue
        opened = f.open_by_regency.get((code,))
        row = {"regency": name}
        for state in OPEN_STATES:
            row[state] = opened["states"][state] if opened else 0
        rows.append(row)
    columns = [Column("regency", _("Kabupaten/kota"), "text")]
    columns += [Column(state, labels[state]) for state in OPEN_STATES]
    return Table("status", _("Permohonan terbuka per status (saat ini)"), columns, rows)


def stages(f: Figures) -> Table:
    rows = []
    for code, name in f.regencies.items():
        per_stage = f.stages_by_regency.get((code,))
        if per_stage is None:
            continue
        for stage in STAGE_NAMES:
            s = per_stage[stage]
            rows.append({"regency": name, "stage": STAGE_LABELS[stage], "count": s["count"],
                         "median": s["median"], "p90": s["p90"]})  # fmt: skip
    columns = [
        Column("regency", _("Kabupaten/kota"), "text"),
        Column("stage", _("Tahap"), "text"),
        Column("count", _("Jumlah")),
        Column("median", _("Median"), "hours"),
        Column("p90", _("Persentil ke-90"), "hours"),
    ]
    return Table("tahap", _("Lama tiap tahap"), columns, rows)


def deliveries(f: Figures) -> Table:
    rows = []
    for code, name in f.regencies.items():
        flows = f.by_regency.get((code,))
        if flows is None or not flows["shipped"] + flows["returned"]:
            continue
        rows.append({
            "regency": name, "shipped": flows["shipped"],
            "first_time": flows["delivered_first_time"], "returned": flows["returned"],
            "share": Share(flows["delivered_first_time"], flows["shipped"]),
        })  # fmt: skip
    columns = [
        Column("regency", _("Kabupaten/kota"), "text"),
        Column("shipped", _("Dikirim")),
        Column("first_time", _("Terkirim pada percobaan pertama")),
        Column("returned", _("Dikembalikan")),
        Column("share", _("Berhasil pertama kali"), "share"),
    ]
    return Table("pengiriman", _("Pengiriman"), columns, rows)


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
    labels = requirement_labels((get_language() or "id")[:2], int(time.monotonic() // 60))
    rows = []
    for (service, requirement), n in sorted(f.revisions.items(), key=lambda kv: -kv[1]):
        flows = f.by_service.get((service,)) or dict.fromkeys(f.totals, 0)
        rows.append({
            "service": f.services.get(service, service),
            "requirement": labels.get((service, requirement), requirement),
            "count": n, "rate": Share(n, _reviews(flows)),
        })  # fmt: skip
    columns = [
        Column("service", _("Layanan"), "text"),
        Column("requirement", _("Persyaratan"), "text"),
        Column("count", _("Diminta perbaikan")),
        Column("rate", _("Dari semua verifikasi layanan ini"), "share"),
    ]
    return Table("perbaikan", _("Persyaratan yang paling sering diperbaiki"), columns, rows)


def daily(f: Figures) -> Table:
    """Every day of the period, quiet ones too (the chart's x axis is the calendar)."""
    rows = []
    day = f.period.start
    while day <= f.period.end:
        v = f.by_day.get((day,)) or {"received": 0, "completed": 0, "rejected": 0}
        rows.append({"day": day.isoformat(), "received": v["received"],
                     "completed": v["completed"], "rejected": v["rejected"]})  # fmt: skip
        day += dt.timedelta(days=1)
    columns = [
        Column("day", _("Tanggal"), "text"),
        Column("received", _("Diterima")),
        Column("completed", _("Selesai")),
        Column("rejected", _("Ditolak")),
    ]
    return Table("harian", _("Per hari"), columns, rows)


BUILDERS: dict[str, Callable[[Figures], Table]] = {
    "kabupaten": league,
    "kecamatan": kecamatan,
    "layanan": services,
    "kanal": channels,
    "status": states,
    "tahap": stages,
    "pengiriman": deliveries,
    "perbaikan": revisions,
    "harian": daily,
}


def all_tables(f: Figures) -> list[Table]:
    return [build(f) for build in BUILDERS.values()]
