"""Documents of a parcel the post returned, collected at the office through the one hand-over
service (the operator console's): the collector's NIK and birth date checked against the registry,
the case completed by the workflow, the shipment linked to the hand-over."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from dukcapil.accounts.models import Role
from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application, ApplicationEvent, Status
from dukcapil.applications.testing import make_application, make_household, make_staff
from dukcapil.delivery import selectors, services
from dukcapil.delivery.models import Shipment
from dukcapil.delivery.tests.conftest import issued_application

pytestmark = pytest.mark.django_db


def returned_parcel(dispatcher: Actor, household: dict) -> Shipment:
    """A parcel of ``household``'s documents that the post brought back: ready for pick-up."""
    app = issued_application(household=household)
    shipment = services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    services.add_manual_event(shipment=shipment, actor=dispatcher, code="returned")
    shipment.refresh_from_db()
    assert shipment.application.status == Status.READY_FOR_PICKUP
    return shipment


def nothing_written(shipment: Shipment, events_before: int) -> bool:
    shipment.refresh_from_db()
    app = Application.objects.get(pk=shipment.application_id)
    return (
        app.status == Status.READY_FOR_PICKUP
        and not app.events.filter(transition="complete").exists()
        and ApplicationEvent.objects.count() == events_before
        and shipment.collection_event_id is None
    )


def test_a_family_member_collects_a_returned_parcel_and_the_case_completes(
    client_as, kecamatan_operator, fake_pos, dispatcher
):
    household = make_household()
    shipment = returned_parcel(dispatcher, household)
    wife = household["wife"]
    client = client_as(kecamatan_operator)
    detail_url = reverse("delivery:detail", args=[shipment.pk])
    form = client.get(detail_url).content.decode()
    assert 'name="collector_nik"' in form and 'name="collector_birth_date"' in form
    assert 'name="collector_relation"' in form and 'name="receiver_name"' not in form

    response = client.post(reverse("delivery:collected", args=[shipment.pk]), {
        "collector_nik": wife.nik, "collector_birth_date": wife.birth_date.strftime("%d-%m-%Y"),
        "collector_relation": "spouse"})  # fmt: skip
    assert response.status_code == 302

    app = Application.objects.get(pk=shipment.application_id)
    assert app.status == Status.COMPLETED
    event = app.events.get(transition="complete")
    assert event.actor == kecamatan_operator
    assert event.data["collector_resident_id"] == wife.pk
    assert event.data["collector_name"] == wife.name
    assert event.data["collector_is_applicant"] is False
    assert event.data["collector_relation"] == "spouse"
    assert event.data["for_resident_id"] == household["head"].pk
    assert event.data["place"] == "office"
    assert event.data["receipt_number"] == shipment.receipt_number
    assert wife.nik not in str(event.data) and wife.name in event.note  # the NIK is masked
    shipment.refresh_from_db()
    assert shipment.collection_event == event
    assert shipment.receiver_name == "" and shipment.delivered_at is None  # nothing copied

    page = client.get(detail_url).content.decode()
    assert wife.name in page and event.data["collector_nik"] in page and wife.nik not in page
    assert "Diambil di kantor" in page and 'name="collector_nik"' not in page
    summary = selectors.collection_of(shipment)
    assert (summary.collector_name, summary.at) == (wife.name, event.at)
    citizen_news = selectors.parcels_for_application(app)[0].events
    assert "sudah diambil di kantor" in citizen_news[0][1] and wife.name not in citizen_news[0][1]


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("wrong_birth_date", "tidak cocok dengan data kependudukan"),
        ("unknown_nik", "tidak cocok dengan data kependudukan"),
        ("stranger", "anggota keluarga dalam KK yang sama"),
        ("wrong_relation", "Hubungan yang dipilih tidak sesuai"),
    ],
)
def test_a_collector_who_fails_the_check_is_refused_and_nothing_is_written(
    client_as, kecamatan_operator, fake_pos, dispatcher, who, message
):
    household = make_household()
    shipment = returned_parcel(dispatcher, household)
    wife, stranger = household["wife"], make_household()["head"]
    nik, birth_date, relation = {
        "wrong_birth_date": (wife.nik, dt.date(1970, 1, 1), ""),
        "unknown_nik": ("3673014107880999", wife.birth_date, ""),
        "stranger": (stranger.nik, stranger.birth_date, ""),
        "wrong_relation": (wife.nik, wife.birth_date, "self"),
    }[who]
    events_before = ApplicationEvent.objects.count()
    response = client_as(kecamatan_operator).post(
        reverse("delivery:collected", args=[shipment.pk]),
        {"collector_nik": nik, "collector_birth_date": birth_date.isoformat(),
         "collector_relation": relation},
    )  # fmt: skip
    assert response.status_code == 400
    assert message in response.content.decode()
    assert nothing_written(shipment, events_before)


def test_a_typed_name_alone_no_longer_completes_a_case(
    client_as, kecamatan_operator, fake_pos, dispatcher
):
    shipment = returned_parcel(dispatcher, make_household())
    events_before = ApplicationEvent.objects.count()
    response = client_as(kecamatan_operator).post(
        reverse("delivery:collected", args=[shipment.pk]), {"receiver_name": "Siti Rahma"}
    )
    assert response.status_code == 400
    assert nothing_written(shipment, events_before)


def test_the_refusal_reads_in_english_too(fake_pos, dispatcher):
    household = make_household()
    shipment = returned_parcel(dispatcher, household)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.record_collection(
            shipment=shipment, actor=dispatcher, collector_nik=household["wife"].nik,
            collector_birth_date=dt.date(1970, 1, 1),
        )  # fmt: skip
    assert "do not match the population records" in refused.value.messages[0]


def _returned_parcel_of_kabupaten_tangerang() -> tuple[Shipment, dict]:
    """Built step by step with Kabupaten Tangerang's own staff (36.03)."""
    household = make_household("36.03.01.2003")
    app = make_application(household=household)
    Application.objects.filter(pk=app.pk).update(delivery_method="post")
    verifier = Actor.staff(make_staff(Role.VERIFIER, regency="36.03"))
    app = workflow.claim(application=app, actor=verifier)
    app = workflow.approve(application=app, actor=verifier)
    signer = Actor.staff(make_staff(Role.SIGNING_OFFICIAL, regency="36.03"))
    app = workflow.issue(application=app, actor=signer)
    theirs = Actor.staff(make_staff(Role.DISPATCH_OFFICER, regency="36.03"))
    shipment = services.create_shipment(application=app, direction="delivery", actor=theirs)
    services.add_manual_event(shipment=shipment, actor=theirs, code="returned")
    shipment.refresh_from_db()
    assert shipment.application.status == Status.READY_FOR_PICKUP
    return shipment, household


def test_a_returned_parcel_of_another_regency_is_not_found(
    client_as, dispatch_officer, kecamatan_operator, fake_pos
):
    shipment, household = _returned_parcel_of_kabupaten_tangerang()
    wife = household["wife"]
    events_before = ApplicationEvent.objects.count()
    fields = {"collector_nik": wife.nik, "collector_birth_date": wife.birth_date.isoformat()}
    for user in (dispatch_officer, kecamatan_operator):  # both of Kota Serang
        client = client_as(user)
        assert client.post(reverse("delivery:collected", args=[shipment.pk]), fields).status_code \
            == 404  # fmt: skip
        assert client.get(reverse("delivery:detail", args=[shipment.pk])).status_code == 404
    with pytest.raises(Http404):  # the service refuses too, before asking the registry
        services.record_collection(
            shipment=shipment, actor=Actor.staff(dispatch_officer), collector_nik=wife.nik,
            collector_birth_date=wife.birth_date,
        )  # fmt: skip
    assert nothing_written(shipment, events_before)


def test_only_the_returned_parcel_hands_documents_over(fake_pos, dispatcher):
    household = make_household()
    shipment = returned_parcel(dispatcher, household)
    wife = household["wife"]
    pickup = Shipment.objects.create(
        application=shipment.application, direction="pickup", provider="manual",
        reference=f"{shipment.reference}-P", contact_name="x", contact_phone="6281234567890",
        desa=shipment.desa, rt="1", rw="1", street="Jalan", postal_code="42111",
        address_source="registry", status="returned",
    )  # fmt: skip
    events_before = ApplicationEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.record_collection(
            shipment=pickup, actor=dispatcher, collector_nik=wife.nik,
            collector_birth_date=wife.birth_date,
        )  # fmt: skip
    assert refused.value.code == "not_returned"
    assert nothing_written(shipment, events_before)
