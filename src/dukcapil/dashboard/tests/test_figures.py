"""Figures on a small hand-made dataset (walked through the real workflow) equal the numbers
counted by hand."""

from __future__ import annotations

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
    serang = f.open_by_regency[("36.73",)]
    assert serang["states"]["submitted"] == 1
    assert serang["states"]["needs_revision"] == 1
    assert serang["states"]["ready_for_pickup"] == 1
    assert serang["states"]["in_review"] == 0
    assert serang["backlog"] == 1 and serang["ages"]["0-1"] == 1 and serang["overdue"] == 0
    tangerang = f.open_by_regency[("36.03",)]
    assert tangerang["states"]["approved"] == 1 and tangerang["backlog"] == 1
    assert f.open_total["backlog"] == 2


def test_stage_quantiles_and_revisions_per_requirement(handmade):
    f = selectors.dashboard(Scope(), Period.last_days(30))
    assert f.stages_total["review"]["count"] == 5
    assert f.stages_total["signing"]["count"] == 2
    assert f.stages_total["delivery"]["count"] == 2
    assert f.stages_total["printing"]["count"] == 0
    assert f.stages_total["review"]["median"] == Hours(0, 5)  # all within the first hour
    assert f.revisions == {("KK_HILANG", "laporan_kehilangan"): 1}
    league = tables.league(f)
    serang = next(r for r in league.rows if r["regency"] == "Kota Serang")
    assert serang["on_time"] == Share(2, 2)
    assert serang["revision_rate"] == Share(1, 4)  # 1 revision of 4 reviews
    assert serang["first_delivery"] == Share(1, 2)


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
