"""Figures on a small hand-made dataset (walked through the real workflow) equal the numbers
counted by hand."""

from __future__ import annotations

import datetime as dt

from dukcapil.dashboard import selectors, tables
from dukcapil.dashboard.selectors import Hours, Period, Scope, Share


def test_flows_per_regency_service_and_channel_equal_the_hand_count(handmade):
    f = selectors.dashboard(Scope(), Period.last_days(30))
    serang, tangerang = f.by_regency[("36.73",)], f.by_regency[("36.03",)]
    assert serang["received"] == 5 and tangerang["received"] == 1
    assert serang["completed"] == 1 and serang["rejected"] == 1
    assert serang["revision_requested"] == 1
    assert serang["approved"] == 2 and tangerang["approved"] == 1
    assert serang["issued"] == 2 and serang["issued_on_time"] == 2
    assert serang["shipped"] == 2 and serang["delivered_first_time"] == 1
    assert serang["returned"] == 1
    assert f.by_channel[("whatsapp",)]["received"] == 1
    assert f.by_channel[("web",)]["received"] == 5
    assert f.by_service[("KK_HILANG",)]["received"] == 6
    assert f.totals["received"] == 6
    assert sum(v["received"] for v in f.by_kecamatan.values()) == 6


def test_open_states_and_backlog_by_age_equal_the_hand_count(handmade):
    f = selectors.dashboard(Scope(), Period.last_days(30))
    serang = f.open["regency"][("36.73",)]
    assert serang["states"]["submitted"] == 1
    assert serang["states"]["needs_revision"] == 1
    assert serang["states"]["ready_for_pickup"] == 1
    assert serang["states"]["in_review"] == 0
    assert serang["backlog"] == 1 and serang["ages"]["0-1"] == 1 and serang["overdue"] == 0
    tangerang = f.open["regency"][("36.03",)]
    assert tangerang["states"]["approved"] == 1 and tangerang["backlog"] == 1
    assert f.open_total["backlog"] == 2


def test_stage_quantiles_and_revisions_per_requirement(handmade):
    f = selectors.dashboard(Scope(), Period.last_days(30))
    assert f.stages_total["review"]["count"] == 5
    assert f.stages_total["signing"]["count"] == 2
    assert f.stages_total["delivery"]["count"] == 2
    assert f.stages_total["printing"]["count"] == 0
    assert f.stages_total["review"]["median"] == Hours(0, 5)  # all within the first hour
    # One request named the paper, at b's first review; five applications had a first review.
    assert f.revisions == {("KK_HILANG", "laporan_kehilangan"): {"n": 1, "first": 1},
                           ("KK_HILANG", ""): {"n": 0, "first": 5}}  # fmt: skip
    rate = tables.revisions(f).rows[0]
    assert (rate["count"], rate["first"], rate["reviewed"]) == (1, 1, 5)
    assert rate["rate"] == Share(1, 5)
    league = tables.league(f)
    serang = next(r for r in league.rows if r["regency"] == "Kota Serang")
    assert serang["on_time"] == Share(2, 2)
    assert serang["revision_rate"] == Share(1, 4)  # 1 revision of 4 reviews
    assert serang["first_delivery"] == Share(1, 2)
    assert (serang["backlog"], serang["age_0-1"], serang["age_8+"]) == (1, 1, 0)  # d, submitted


def test_a_regency_scope_holds_only_that_regency(handmade):
    f = selectors.dashboard(Scope("36.03"), Period.last_days(30))
    assert set(f.by_regency) == {("36.03",)}
    assert f.totals["received"] == 1
    assert all(code.startswith("36.03") for code in f.kecamatan)


def test_a_period_before_the_events_is_empty(handmade):
    import datetime as dt

    from django.utils import timezone

    long_ago = timezone.localdate() - dt.timedelta(days=400)
    f = selectors.dashboard(Scope(), Period(long_ago, long_ago + dt.timedelta(days=30)))
    assert f.totals["received"] == 0
    assert f.open_total["backlog"] == 2  # the backlog is now, whatever the period


def test_quantile_bucket_reads_the_nearest_rank():
    assert selectors.quantile_bucket([0, 0, 0], 0.5) is None
    assert selectors.quantile_bucket([1, 1, 1, 1], 0.5) == 1
    assert selectors.quantile_bucket([1, 1, 1, 1], 0.9) == 3
    assert selectors.quantile_bucket([10, 0, 0, 1], 0.9) == 0


def test_the_daily_table_has_every_day_of_the_period(handmade):
    f = selectors.dashboard(Scope(), Period.last_days(30))
    rows = tables.daily(f).rows
    assert len(rows) == 30
    assert sum(r["received"] for r in rows) == 6 and rows[-1]["received"] == 6


def test_every_measure_per_kecamatan_service_and_channel_equals_the_hand_count(handmade):
    f = selectors.dashboard(Scope(), Period.last_days(30), stage_dimensions=selectors.DIMENSIONS)
    # Flows: b came by WhatsApp, the five others by the web; five in Serang's first kecamatan.
    assert f.flows["channel"][("whatsapp",)]["revision_requested"] == 1
    assert f.flows["channel"][("web",)]["completed"] == 1
    assert f.flows["kecamatan"][("36.73.01",)]["received"] == 5
    assert f.flows["kecamatan"][("36.03.01",)]["approved"] == 1
    assert f.flows["kecamatan"][("36.73.01",)]["first_reviewed"] == 4
    # States now: d submitted, b needs revision, e ready for pick-up (Serang); f approved.
    states = {k: {s: n for s, n in v["states"].items() if n} for k, v in f.open["channel"].items()}
    assert states == {("whatsapp",): {"needs_revision": 1},
                      ("web",): {"submitted": 1, "ready_for_pickup": 1, "approved": 1}}  # fmt: skip
    assert f.open["kecamatan"][("36.73.01",)]["states"]["submitted"] == 1
    assert f.open["kecamatan"][("36.03.01",)]["states"]["approved"] == 1
    assert f.open["service"][("KK_HILANG",)]["backlog"] == 2
    # Stage times: reviews a, c, e, f by the web and b by WhatsApp; signing a, e; delivery a, e.
    web, whatsapp = f.stages["channel"][("web",)], f.stages["channel"][("whatsapp",)]
    assert (web["review"]["count"], whatsapp["review"]["count"]) == (4, 1)
    assert (web["signing"]["count"], web["delivery"]["count"]) == (2, 2)
    assert whatsapp["signing"]["count"] == 0
    assert f.stages["kecamatan"][("36.73.01",)]["review"]["count"] == 4
    assert f.stages["kecamatan"][("36.03.01",)]["review"]["count"] == 1
    assert f.stages["kecamatan"][("36.03.01",)]["signing"]["count"] == 0
    assert f.stages["service"][("KK_HILANG",)]["review"]["median"] == Hours(0, 5)
    # The tables per dimension carry the same numbers.
    per_channel = {r["name"]: r for r in tables.BUILDERS["kanal"](f).rows}
    assert per_channel["WhatsApp"]["revision_rate"] == Share(1, 1)
    assert per_channel["Web"]["backlog"] == 2 and per_channel["Web"]["received"] == 5
    stage_rows = tables.BUILDERS["tahap-kecamatan"](f).rows
    serang_stages = [(str(r["stage"]), r["count"]) for r in stage_rows if r["name"] == "Serang"]
    assert serang_stages == [("Verifikasi", 4), ("Penandatanganan", 2), ("Pencetakan", 0),
                             ("Pengiriman", 2)]  # fmt: skip
    status_rows = {r["name"]: r for r in tables.BUILDERS["status-kanal"](f).rows}
    assert status_rows["WhatsApp"]["needs_revision"] == 1
    delivery = tables.BUILDERS["pengiriman-kanal"](f).rows
    assert [(r["name"], r["shipped"], r["first_time"], r["returned"]) for r in delivery] == [
        ("Web", 2, 1, 1)]  # fmt: skip


def test_filters_narrow_every_figure_and_revision_rates_follow_them(handmade):
    from django.utils import timezone

    # 41 days are never whole months (on the last day of a 30-day month the last 30 days are,
    # and nothing would be widened).
    asked = Period.last_days(41)
    by_whatsapp = selectors.dashboard(Scope(channel="whatsapp"), asked)
    assert by_whatsapp.totals["received"] == 1
    assert by_whatsapp.revisions == {("KK_HILANG", "laporan_kehilangan"): {"n": 1, "first": 1},
                                     ("KK_HILANG", ""): {"n": 0, "first": 1}}  # fmt: skip
    assert tables.revisions(by_whatsapp).rows[0]["rate"] == Share(1, 1)
    # A filter below the regency widens the period to whole months, for every figure alike.
    assert by_whatsapp.period.start == asked.start.replace(day=1) and by_whatsapp.widened
    tangerang = selectors.dashboard(Scope("36.03", kecamatan="36.03.01"), asked)
    assert tangerang.totals["received"] == 1 and tangerang.revisions == {
        ("KK_HILANG", ""): {"n": 0, "first": 1}}  # fmt: skip
    assert set(tangerang.kecamatan) == {"36.03.01"}
    # The finest cut (a kecamatan and a channel) is read from the monthly grain.
    fine = selectors.dashboard(Scope("36.73", "36.73.01", "KK_HILANG", "web"), asked,
                               stage_dimensions=("kecamatan",))  # fmt: skip
    assert fine.day_unit == "month"
    assert fine.totals["received"] == 4 and fine.totals["completed"] == 1
    assert fine.open_total["states"] == {**dict.fromkeys(fine.open_total["states"], 0),
                                         "submitted": 1, "ready_for_pickup": 1}  # fmt: skip
    assert fine.stages_total["review"]["count"] == 3  # a, c, e
    assert fine.stages["kecamatan"][("36.73.01",)]["delivery"]["count"] == 2
    months = tables.daily(fine).rows
    touched, month = [], fine.period.start  # every month of the widened period, this one last
    while month <= fine.period.end:
        touched.append(month.isoformat()[:7])
        month = (month + dt.timedelta(days=32)).replace(day=1)
    assert [r["day"] for r in months] == touched
    assert touched[-1] == timezone.localdate().isoformat()[:7]
    assert sum(r["received"] for r in months) == 4
    assert selectors.grain_for("flows", {"kecamatan", "channel"}).__name__ == "KecamatanMonth"
    assert selectors.grain_for("flows", {"regency", "channel"}).__name__ == "RegencyDay"
    assert selectors.grain_for("flows", {"regency", "day"}).__name__ == "KecamatanDay"
    assert selectors.grain_for("flows", {"service", "day"}).__name__ == "ServiceDay"
    assert selectors.grain_for("revisions", {"service"}).__name__ == "RevisionServiceDay"
    assert selectors.grain_for("revisions", {"regency"}).__name__ == "RevisionDay"
    assert selectors.grain_for("stages", {"regency"}).__name__ == "StageRegencyDay"
    assert selectors.grain_for("stages", {"service"}).__name__ == "StageDay"
    assert selectors.grain_for("stages", {"kecamatan"}).__name__ == "StageKecamatanDay"


def test_a_small_count_takes_a_complementary_cell_along():
    rows = [{"name": "A", "n": 7, "parts_1": 3, "parts_2": 4},
            {"name": "B", "n": 2, "parts_1": 0, "parts_2": 2},
            {"name": "C", "n": 9, "parts_1": 9, "parts_2": 0}]  # fmt: skip
    columns = [tables.Column("name", "", "text"), tables.Column("n", ""),
               tables.Column("parts_1", ""), tables.Column("parts_2", "")]  # fmt: skip
    table = tables.Table("t", "", columns, rows, additive=True,
                         row_totals=(("n", ("parts_1", "parts_2")),))  # fmt: skip
    hidden = tables.complements(table)
    # Column n: B (2) is small; A (7), the smallest other, goes along. Column parts_1: A (3) is
    # small, C (9) goes along; then row C's parts: parts_1 hidden alone, so nothing more can be
    # hidden there (its other part is 0). Column parts_2: A and B (4, 2) are small, together 6.
    assert (0, "n") in hidden and (2, "parts_1") in hidden
    assert (1, "n") not in hidden  # it is a small count itself: shown as "<5", not "×"
    assert (0, "parts_2") not in hidden and (2, "n") not in hidden
    table.hidden = hidden
    html = "".join(tables.Cells(protect=True).rows_html(table))
    assert html.count("×") == len(hidden) and "&lt;5" in html
