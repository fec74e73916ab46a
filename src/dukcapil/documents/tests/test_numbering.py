import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from dukcapil.documents.numbering import assign_number, format_number

DAY = dt.date(2026, 11, 29)


@pytest.mark.django_db
def test_numbers_follow_the_configured_format_per_type_regency_and_date(settings):
    assert assign_number(document_type="akta_kelahiran", regency="36.73", day=DAY) == (
        "3673-LT-29112026-0001"
    )
    assert assign_number(document_type="akta_kelahiran", regency="36.73", day=DAY) == (
        "3673-LT-29112026-0002"
    )
    # Another type, regency or day starts its own count.
    assert assign_number(document_type="akta_kematian", regency="36.73", day=DAY).endswith("0001")
    assert assign_number(document_type="akta_kelahiran", regency="36.03", day=DAY).endswith("0001")
    next_day = DAY + dt.timedelta(days=1)
    assert assign_number(document_type="akta_kelahiran", regency="36.73", day=next_day) == (
        "3673-LT-30112026-0001"
    )
    settings.DOCUMENTS_NUMBER_FORMATS = {"kk": "{regency}/KK/{date:%Y}/{serial:06d}"}
    assert format_number(document_type="kk", regency="36.73", day=DAY, serial=7) == (
        "3673/KK/2026/000007"
    )


@pytest.mark.django_db
def test_a_rolled_back_signing_leaves_its_number_free_to_be_handed_out_again():
    with pytest.raises(RuntimeError), transaction.atomic():
        assign_number(document_type="receipt", regency="36.73", day=DAY)
        raise RuntimeError
    assert assign_number(document_type="receipt", regency="36.73", day=DAY).endswith("00001")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_signers_never_get_the_same_number():
    threads, per_thread = 8, 25
    numbers: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            for _ in range(per_thread):
                with transaction.atomic():
                    n = assign_number(document_type="kk", regency="36.73", day=DAY)
                with lock:
                    numbers.append(n)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connection.close()

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert not errors
    assert len(numbers) == len(set(numbers)) == threads * per_thread
    serials = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert serials == list(range(1, threads * per_thread + 1))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officials_signing_the_same_application_at_once_issue_it_once(signing_official):
    from django.core.exceptions import ValidationError

    from dukcapil.accounts.models import Role
    from dukcapil.accounts.testing import make_staff
    from dukcapil.applications.actors import Actor
    from dukcapil.documents.models import DocumentEvent, IssuedDocument
    from dukcapil.documents.services import sign_application
    from dukcapil.documents.testing import approved_application

    app = approved_application("AKTA_LAHIR")
    officials = [signing_official, make_staff(Role.SIGNING_OFFICIAL, regency="36.73")]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def sign(user) -> None:  # noqa: ANN001
        try:
            barrier.wait()
            sign_application(application=app, actor=Actor.staff(user))
            outcomes.append("issued")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    pool = [threading.Thread(target=sign, args=(u,)) for u in officials]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert sorted(outcomes) == ["issued", "refused"]
    documents = IssuedDocument.objects.filter(application=app)
    assert len({d.number for d in documents}) == documents.count() == 3
    assert DocumentEvent.objects.filter(action="signed").count() == 3
    assert app.events.filter(transition="issue").count() == 1
