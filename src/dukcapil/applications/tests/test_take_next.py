import threading

import pytest
from django.db import connection, connections

from dukcapil.accounts.models import Role
from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application, Status
from dukcapil.applications.testing import make_application, make_household, make_staff

pytestmark = pytest.mark.django_db


def test_take_next_hands_out_the_most_urgent_case_of_the_verifiers_office(verifier):
    household = make_household()
    later, sooner = make_application(household=household), make_application(household=household)
    Application.objects.filter(pk=later.pk).update(due_date=sooner.due_date.replace(year=2099))
    claimed = workflow.claim_next(actor=verifier)
    assert claimed.pk == sooner.pk
    assert claimed.status == Status.IN_REVIEW and claimed.assigned_to == verifier.user
    tangerang = Actor.staff(make_staff(Role.VERIFIER, regency="36.03"))
    assert workflow.claim_next(actor=tangerang) is None  # nothing in Tangerang's queue


def test_take_next_is_for_verifiers_only():
    from django.core.exceptions import PermissionDenied

    head = Actor.staff(make_staff(Role.REGENCY_HEAD))
    with pytest.raises(PermissionDenied):
        workflow.claim_next(actor=head)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_concurrent_verifiers_never_get_the_same_case_and_skip_none():
    if connection.vendor != "postgresql":
        pytest.skip("SELECT … FOR UPDATE SKIP LOCKED is tested on PostgreSQL")
    household = make_household()
    ids = {make_application(household=household).pk for _ in range(40)}
    verifiers = [Actor.staff(make_staff(Role.VERIFIER, regency="36.73")) for _ in range(8)]
    claimed: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work(actor: Actor) -> None:
        try:
            barrier.wait()
            while (app := workflow.claim_next(actor=actor)) is not None:
                claimed.append((app.pk, actor.user.pk))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(v,)) for v in verifiers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    claimed_ids = [pk for pk, _ in claimed]
    assert len(claimed_ids) == len(set(claimed_ids)), "a case was handed out twice"
    assert set(claimed_ids) == ids, "a case was skipped"
    assert len({user for _, user in claimed}) > 1, "the work was not shared"
    for app in Application.objects.filter(pk__in=ids):
        assert app.status == Status.IN_REVIEW
        assert app.events.filter(transition="claim").count() == 1
        assert (app.pk, app.assigned_to_id) in claimed


@pytest.mark.postgres
def test_take_next_on_postgresql_is_one_statement_and_writes_what_a_claim_writes(verifier):
    """A case sent back and resubmitted, taken again: the one statement (lock, status, event,
    the earlier steps for the dashboard) and the rollups' upsert, and nothing else; the case, its
    event and the dashboard's counts are those the transition engine writes."""
    from dukcapil.applications import services
    from dukcapil.applications.testing import PNG
    from dukcapil.dashboard import recount
    from dukcapil.notifications.models import Notification

    app = make_application(household=make_household())
    workflow.claim(application=app, actor=verifier)
    revision = [{"requirement": "ktp_kepala", "reason": "unreadable"}]
    workflow.request_revision(application=app, actor=verifier, reasons=revision)
    citizen = Actor.citizen(app.applicant_id)
    services.add_attachment(
        application=app, actor=citizen, requirement_code="ktp_kepala", content=PNG
    )
    workflow.resubmit(application=app, actor=citizen)
    statements: list[str] = []

    def count(execute, sql, params, many, context):  # noqa: ANN001, ANN202 - Django's hook
        if not sql.startswith(("SAVEPOINT", "RELEASE")):  # the test's own transaction
            statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        claimed = workflow.claim_next(actor=verifier)
    assert claimed.pk == app.pk
    assert len(statements) == 2, statements  # the claim, the rollups
    stored = Application.objects.get(pk=app.pk)
    event = stored.events.order_by("-id").first()
    assert (stored.status, stored.assigned_to_id) == (Status.IN_REVIEW, verifier.user.pk)
    assert (claimed.status, claimed.assigned_to_id, claimed.claimed_at) == (
        stored.status, stored.assigned_to_id, stored.claimed_at,
    )  # fmt: skip
    assert claimed.form_data == stored.form_data and claimed.due_date == stored.due_date
    assert (event.transition, event.from_status, event.to_status) == (
        "claim",
        "submitted",
        "in_review",
    )
    assert (event.actor_id, event.actor_kind, event.at) == (
        verifier.user.pk,
        "staff",
        stored.claimed_at,
    )
    assert not Notification.objects.filter(event=event).exists()  # a claim tells nobody
    assert recount.compare(recount.stored(), recount.recount()) == []
