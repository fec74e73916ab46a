"""``dukcapil scheduler``: one run does every periodic job of the system."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from dukcapil.applications.models import IdentityCheckFailure
from dukcapil.core.management.commands.scheduler import run_periodic_jobs

pytestmark = pytest.mark.django_db


def test_one_run_does_every_periodic_job_and_forgets_old_wrong_answers():
    old = timezone.now() - dt.timedelta(days=2)
    IdentityCheckFailure.objects.create(scope="nik", key="a" * 32, at=old)
    recent = IdentityCheckFailure.objects.create(scope="nik", key="b" * 32, at=timezone.now())
    result = run_periodic_jobs()
    assert {
        "expired",
        "identity_failures_forgotten",
        "idempotency_answers_purged",
        "parcels_polled",
        "dashboard_empty_open_counts_purged",
    } <= set(result)
    assert result["identity_failures_forgotten"] == 1
    assert list(IdentityCheckFailure.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_command_runs_once():
    call_command("scheduler", "--once")


def test_the_nightly_jobs_recount_the_dashboard_once_a_night_after_one(caplog):
    from dukcapil.applications.testing import make_application
    from dukcapil.core.management.commands.scheduler import nightly_due, run_nightly_jobs
    from dukcapil.dashboard.models import RegencyDay

    make_application()
    assert run_nightly_jobs() == {"dashboard_recount_differences": 0}
    RegencyDay.objects.update(received=99)  # a rollup that escaped a transition
    assert run_nightly_jobs()["dashboard_recount_differences"] >= 1
    assert "differs from the recount" in caplog.text

    jakarta = timezone.get_default_timezone()
    night = dt.datetime(2026, 11, 30, 1, 5, tzinfo=jakarta)
    assert not nightly_due(night.replace(hour=0), last_day=dt.date(2026, 11, 29))
    assert nightly_due(night, last_day=dt.date(2026, 11, 29))
    assert not nightly_due(night.replace(hour=23), last_day=dt.date(2026, 11, 30))
