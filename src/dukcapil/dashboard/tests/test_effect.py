"""The transition effect's cost and its leftovers: how many statements a transition spends on the
rollups, and the emptied open-state rows that the scheduler purges."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dukcapil.applications import workflow
from dukcapil.applications.testing import make_application, verifier_of
from dukcapil.dashboard import recount
from dukcapil.dashboard.models import OpenCount
from dukcapil.dashboard.rollups import purge_empty_open_counts

pytestmark = pytest.mark.django_db


def _statements(captured: CaptureQueriesContext, needle: str) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if needle in q["sql"]]


@pytest.mark.postgres
def test_a_transition_writes_its_rollups_in_one_statement_and_a_submission_reads_no_events():
    with CaptureQueriesContext(connection) as submitting:
        app = make_application()
    # make_application also starts, fills and uploads: only the submit transition writes rollups.
    assert len(_statements(submitting, "dashboard_")) == 1
    assert _statements(submitting, "INSERT INTO dashboard_regencyday")
    assert not _statements(submitting, 'FROM "applications_applicationevent"')

    with CaptureQueriesContext(connection) as claiming:
        workflow.claim(application=app, actor=verifier_of(app.office_id))
    # The claim moves the case from one open-state row to another (its clock start is read from
    # the earlier events, once), in one statement.
    assert len(_statements(claiming, "dashboard_")) == 1
    assert len(_statements(claiming, 'FROM "applications_applicationevent"')) == 1
    assert recount.compare(recount.stored(), recount.recount()) == []


def test_an_emptied_open_state_row_is_kept_until_the_scheduler_purges_it():
    app = make_application()
    submitted = OpenCount.objects.get(status="submitted", kecamatan=app.kecamatan_id)
    assert submitted.n == 1
    workflow.claim(application=app, actor=verifier_of(app.office_id))
    submitted.refresh_from_db()
    assert submitted.n == 0  # adds nothing to any figure, and the recount agrees
    assert OpenCount.objects.get(status="in_review", kecamatan=app.kecamatan_id).n == 1
    assert recount.compare(recount.stored(), recount.recount()) == []

    assert purge_empty_open_counts() == 1
    assert not OpenCount.objects.filter(n=0).exists()
    assert OpenCount.objects.get(status="in_review", kecamatan=app.kecamatan_id).n == 1
    assert recount.compare(recount.stored(), recount.recount()) == []
