"""The province-scale history generator (PostgreSQL COPY): its rollups agree with a recount of
the events it wrote, and its shape is plausible."""

from __future__ import annotations

import pytest

from dukcapil.applications.models import Application, ApplicationEvent
from dukcapil.dashboard import history, recount
from dukcapil.dashboard.selectors import Period, Scope, dashboard


@pytest.mark.postgres
def test_generated_rollups_equal_a_recount_of_the_generated_events(db):
    counts = history.generate(3_000, seed=5)
    assert counts["applications"] == Application.objects.count() == 3_000
    assert counts["events"] == ApplicationEvent.objects.count()
    assert recount.compare(recount.stored(), recount.recount()) == []
    f = dashboard(Scope(), Period.last_days(365 * 3 + 1))
    assert f.totals["received"] == 3_000
    assert set(f.by_regency) == {(code,) for code in history.REGENCIES}
    assert f.by_channel[("whatsapp",)]["received"] > f.by_channel[("api",)]["received"]
    assert f.open_total["backlog"] > 0 and f.totals["completed"] > 2_000
    assert f.totals["rejected"] > 0 and f.revisions
    # Nothing waits in the office queue for months: every life reaches a decision.
    import datetime as dt

    from django.utils import timezone

    from dukcapil.dashboard.models import (
        KecamatanMonth,
        OpenCount,
        RevisionMonth,
        StageKecamatanDay,
        StageMonth,
    )

    month_ago = timezone.localdate() - dt.timedelta(days=30)
    assert not OpenCount.objects.filter(status="submitted", since__lt=month_ago).exists()
    # Only a realistic recent queue waits for its first claim: at most a day or so of volume
    # (today is not one whole day crammed into its last hour).
    waiting = Application.objects.filter(status="submitted").count()
    assert waiting < 3_000 / (365 * 3) * 4, waiting
    for model in (KecamatanMonth, StageMonth, StageKecamatanDay, RevisionMonth):
        assert model.objects.exists(), model.__name__
    whatsapp = dashboard(Scope(channel="whatsapp"), Period.last_days(365 * 3 + 1))
    assert 0 < whatsapp.totals["received"] < 3_000
    assert whatsapp.stages_total["review"]["count"] > 0


def test_volumes_add_up_and_grow(db):
    import datetime as dt

    volumes = history.days_and_volumes(100_000, dt.datetime(2026, 6, 1, tzinfo=history.JAKARTA))
    assert sum(n for _d, n in volumes) == 100_000
    first, last = volumes[:90], volumes[-91:-1]
    assert sum(n for _d, n in last) > sum(n for _d, n in first)


def test_today_gets_only_the_office_hours_already_gone(db):
    import datetime as dt

    morning = dt.datetime(2026, 7, 8, 9, 45, tzinfo=history.JAKARTA)  # a Wednesday
    volumes = history.days_and_volumes(100_000, morning)
    yesterday, today = volumes[-2][1], volumes[-1][1]
    assert 0 < today < yesterday / 3  # 2 h 45 of 11
    dawn = history.days_and_volumes(100_000, morning.replace(hour=5))
    assert dawn[-1][1] == 0 and sum(n for _d, n in dawn) == 100_000
