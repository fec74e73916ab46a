import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Status
from dukcapil.documents import cards
from dukcapil.documents.models import CardPrintJob, CardStock, CardStockMovement
from dukcapil.documents.testing import issued_application

pytestmark = pytest.mark.django_db


def test_issuing_a_ktp_application_queues_its_card_for_the_office(signing_official):
    app = issued_application("KTP_HILANG", signing_official)
    (job,) = CardPrintJob.objects.filter(application=app)
    assert job.card_type == "ktp" and job.office_id == "36.73"
    assert job.resident == app.applicant


def test_printing_spends_one_blank_and_each_spoiled_one_more_then_marks_printed(
    signing_official, dispatch_officer
):
    actor = Actor.staff(dispatch_officer)
    cards.receive_blanks(office_id="36.73", card_type="ktp", quantity=5, actor=actor)
    app = issued_application("KTP_HILANG", signing_official)
    (job,) = cards.print_queue(dispatch_officer)
    cards.print_card(job=job, actor=actor, spoiled=2)
    stock = CardStock.objects.get(office_id="36.73", card_type="ktp")
    assert stock.blanks == 2
    kinds = list(CardStockMovement.objects.filter(job=job).values_list("kind", "quantity"))
    assert sorted(kinds) == [("printed", -1), ("spoiled", -2)]
    app.refresh_from_db()
    assert app.status == Status.PRINTED
    assert not cards.print_queue(dispatch_officer).exists()


def test_no_card_is_printed_without_a_blank(signing_official, dispatch_officer):
    issued_application("KTP_HILANG", signing_official)
    (job,) = cards.print_queue(dispatch_officer)
    with pytest.raises(ValidationError):
        cards.print_card(job=job, actor=Actor.staff(dispatch_officer))
    job.refresh_from_db()
    assert job.status == CardPrintJob.Status.QUEUED


def test_low_stock_is_signalled_to_the_regency(client_as, dispatch_officer, regency_head,
                                               settings):  # fmt: skip
    settings.DOCUMENTS_CARD_LOW_STOCK = 10
    cards.receive_blanks(office_id="36.73", card_type="kia", quantity=8,
                         actor=Actor.staff(dispatch_officer))  # fmt: skip
    assert [s.card_type for s in cards.low_stocks(regency_head)] == ["kia"]
    page = client_as(regency_head).get(reverse("documents:cards")).content.decode()
    assert "menipis" in page


def test_the_queue_page_prints_a_card_and_records_spoiled_blanks(
    client_as, signing_official, dispatch_officer
):
    cards.receive_blanks(office_id="36.73", card_type="ktp", quantity=3,
                         actor=Actor.staff(dispatch_officer))  # fmt: skip
    issued_application("KTP_HILANG", signing_official)
    client = client_as(dispatch_officer)
    (job,) = cards.print_queue(dispatch_officer)
    assert job.resident.name in client.get(reverse("documents:cards")).content.decode()
    client.post(reverse("documents:cards"), {"aksi": "cetak", "job": job.pk, "rusak": "1"})
    client.post(reverse("documents:cards"), {"aksi": "rusak", "jenis": "ktp", "jumlah": "1"})
    assert CardStock.objects.get(office_id="36.73", card_type="ktp").blanks == 0


def test_another_regency_sees_no_card_of_this_one(signing_official, other_regency_verifier):
    from dukcapil.accounts.models import Role
    from dukcapil.accounts.testing import make_staff

    issued_application("KTP_HILANG", signing_official)
    elsewhere = make_staff(Role.DISPATCH_OFFICER, regency="36.03")
    assert not cards.print_queue(elsewhere).exists()


def test_a_kia_application_queues_a_kia_for_the_child_of_the_family(signing_official):
    app = issued_application("KIA", signing_official)
    (job,) = CardPrintJob.objects.filter(application=app)
    assert job.card_type == "kia"
    assert job.resident.relationship == "anak"
    assert [job.resident.nik] == app.form_data["anak"]


def test_a_kia_is_queued_only_for_the_named_children_of_the_family(signing_official):
    from dukcapil.applications.testing import make_household
    from dukcapil.registry.choices import Relationship
    from dukcapil.registry.testing import make_resident

    household = make_household()
    named = household["child"]
    sibling = make_resident(
        family=named.family, name="Adik Kecil", relationship=Relationship.CHILD,
        birth_date=named.birth_date, marital_status=named.marital_status,
    )  # fmt: skip
    stranger = make_household()["child"]  # a child of another family, named by mistake
    app = issued_application("KIA", signing_official, household=household,
                             form_data={"anak": [named.nik, stranger.nik]})  # fmt: skip
    holders = set(CardPrintJob.objects.filter(application=app).values_list("resident", flat=True))
    assert holders == {named.pk}
    assert sibling.pk not in holders and stranger.pk not in holders


def test_the_administrator_sets_the_threshold_but_not_the_blanks(client_as, administrator,
                                                                 dispatch_officer):  # fmt: skip
    stock = cards.receive_blanks(office_id="36.73", card_type="ktp", quantity=50,
                                 actor=Actor.staff(dispatch_officer))  # fmt: skip
    client = client_as(administrator)
    url = reverse("admin:documents_cardstock_change", args=[stock.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"low_threshold": "60", "blanks": "9999"})
    stock.refresh_from_db()
    assert (stock.low_threshold, stock.blanks) == (60, 50)
    assert client.get(reverse("admin:documents_issueddocument_changelist")).status_code == 200
