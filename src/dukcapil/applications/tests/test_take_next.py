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
