"""The recount from the raw events agrees with the rollups kept by the transitions, after a
seeded random mix of transitions through the real workflow functions."""

from __future__ import annotations

import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dukcapil.applications import workflow
from dukcapil.applications.models import Status
from dukcapil.dashboard import recount
from dukcapil.dashboard.models import ROLLUPS, OpenCount, RegencyDay, StageMonth

# What may follow each status, as step names of dashboard.testing.Office.walk.
NEXT = {
    Status.SUBMITTED: ["claim"],
    Status.IN_REVIEW: ["approve", "reject", "request_revision", "release"],
    Status.NEEDS_REVISION: ["resubmit", "expire", "cancel"],
    Status.APPROVED: ["issue"],
    Status.ISSUED: ["mark_printed", "ship", "mark_ready_for_pickup"],
    Status.PRINTED: ["ship", "mark_ready_for_pickup"],
    Status.IN_DELIVERY: ["complete", "mark_ready_for_pickup"],
    Status.READY_FOR_PICKUP: ["complete"],
}


def _resubmit(app):
    from dukcapil.applications import services
    from dukcapil.applications.actors import Actor
    from dukcapil.applications.testing import PNG

    actor = Actor.citizen(app.applicant_id)
    services.add_attachment(application=app, actor=actor, requirement_code="laporan_kehilangan",
                            content=PNG, original_name="baru.png")  # fmt: skip
    return workflow.resubmit(application=app, actor=actor)


def _cancel(app):
    from dukcapil.applications.actors import Actor

    return workflow.cancel(application=app, actor=Actor.citizen(app.applicant_id))


@pytest.mark.parametrize("seed", [1, 2])
def test_recount_finds_no_difference_after_a_random_mix_of_transitions(serang, tangerang, seed):
    rng = random.Random(seed)
    apps = []
    for i in range(10):
        office = serang if i % 3 else tangerang
        apps.append((office, office.new(channel=rng.choice(["web", "whatsapp", "api"]))))
    for _round in range(8):
        for index, (office, app) in enumerate(apps):
            choices = NEXT.get(app.status)
            if not choices or rng.random() < 0.2:
                continue
            step = rng.choice(choices)
            if step == "resubmit":
                app = _resubmit(app)
            elif step == "cancel":
                app = _cancel(app)
            else:
                app = office.walk(app, step)
            apps[index] = (office, app)
    from dukcapil.applications.models import ApplicationEvent

    transitions = set(ApplicationEvent.objects.values_list("transition", flat=True))
    assert len(transitions) >= 8, transitions  # the mix went well past submit and claim
    out = StringIO()
    call_command("dashboard_recount", stdout=out)
    assert "sesuai" in out.getvalue()
    assert recount.compare(recount.stored(), recount.recount()) == []
    # The recount covered every rollup table, the breakdowns per kecamatan, service and channel.
    for model in ROLLUPS:
        if model is not OpenCount or OpenCount.objects.exists():
            assert model.objects.exists(), model.__name__


def test_recount_reports_a_tampered_counter_and_fix_repairs_it(handmade):
    row = RegencyDay.objects.filter(regency="36.73").first()
    RegencyDay.objects.filter(pk=row.pk).update(received=row.received + 7)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("dashboard_recount", stdout=out)
    assert "received" in out.getvalue() and "1 perbedaan" in out.getvalue()
    call_command("dashboard_recount", "--fix", stdout=StringIO())
    assert recount.compare(recount.stored(), recount.recount()) == []


def test_recount_reports_a_tampered_stage_histogram_of_the_monthly_grain(handmade):
    row = StageMonth.objects.filter(stage="review").first()
    StageMonth.objects.filter(pk=row.pk).update(b05=row.b05 + 1)
    differences = recount.compare(recount.stored(), recount.recount())
    assert [(d.table, d.counter) for d in differences] == [("StageMonth", "b05")]
