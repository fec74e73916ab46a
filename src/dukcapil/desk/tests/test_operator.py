"""The kecamatan operator console: find a resident, apply for them, receipt, hand-over."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dukcapil.accounts.models import Role
from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application, Status
from dukcapil.applications.testing import (
    PNG,
    make_application,
    make_household,
    make_staff,
    verifier_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def household():
    return make_household("36.73.01.1001")  # Kecamatan Serang, the operator's


@pytest.fixture
def operator_client(as_user, kecamatan_operator):
    return as_user(kecamatan_operator)


def png(name="scan.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def test_only_operators_open_the_console(as_user, verifier, client):
    assert client.get(reverse("desk:operator")).status_code == 302  # to the login
    assert as_user(verifier).get(reverse("desk:operator")).status_code == 403


def test_find_a_resident_by_nik_or_by_name_and_birth_date(operator_client, household):
    head = household["head"]
    by_nik = operator_client.get(reverse("desk:operator"), {"nik": head.nik}).content.decode()
    assert head.name in by_nik
    by_name = operator_client.get(
        reverse("desk:operator"),
        {"name": head.name.split()[0].lower(), "birth_date": head.birth_date.isoformat()},
    ).content.decode()
    assert head.name in by_name


def test_residents_of_another_kecamatan_are_not_found(operator_client):
    elsewhere = make_household("36.73.02.1001")["head"]
    page = operator_client.get(reverse("desk:operator"), {"nik": elsewhere.nik}).content.decode()
    assert elsewhere.name not in page
    assert "Tidak ada penduduk kecamatan ini" in page
    url = reverse("desk:operator_resident", args=[elsewhere.pk])
    assert operator_client.get(url).status_code == 404
    start = reverse("desk:operator_start", args=[elsewhere.pk, "KK_HILANG"])
    assert operator_client.post(start).status_code == 404
    assert Application.objects.count() == 0


def test_an_operator_applies_for_a_citizen_with_consent_and_prints_the_receipt(
    operator_client, kecamatan_operator, household
):
    head = household["head"]
    response = operator_client.post(reverse("desk:operator_start", args=[head.pk, "KK_HILANG"]))
    app = Application.objects.get()
    assert response["Location"] == reverse("desk:operator_form", args=[app.tracking_number])
    form = operator_client.get(response["Location"]).content.decode()
    assert 'name="consent"' in form and 'name="laporan_kehilangan"' in form

    post = {"laporan_kehilangan": png(), "ktp_kepala": png(), "declaration__pernyataan": "1",
            "privacy": "1", "delivery": "pickup", "action": "submit"}  # fmt: skip
    refused = operator_client.post(response["Location"], post)
    assert refused.status_code == 400
    assert "persetujuan warga" in refused.content.decode()

    done = operator_client.post(response["Location"], {"consent": "1", "action": "submit",
                                                       "delivery": "pickup"})  # fmt: skip
    assert done.status_code == 302, done.content.decode()[:3000]
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED
    assert (app.channel, app.operator, app.consent_recorded) == ("operator", kecamatan_operator,
                                                                 True)  # fmt: skip
    assert app.applicant_relation == "operator"
    submit = app.events.get(transition="submit")
    assert (submit.actor, submit.actor_kind) == (kecamatan_operator, "staff")

    receipt = operator_client.get(done["Location"]).content.decode()
    assert app.tracking_display in receipt and "<svg" in receipt
    for size in ("a5", "thermal"):
        pdf = operator_client.get(reverse("desk:operator_receipt_pdf", args=[app.tracking_number]),
                                  {"ukuran": size})  # fmt: skip
        assert pdf.status_code == 200
        assert pdf.content.startswith(b"%PDF-")


def test_the_console_lists_the_kecamatans_cases_only(operator_client, household):
    ours = make_application(household=household)
    theirs = make_application(household=make_household("36.73.02.1001"))
    page = operator_client.get(reverse("desk:operator")).content.decode()
    assert ours.tracking_display in page
    assert theirs.tracking_display not in page


def _issued(household):
    app = make_application(household=household)
    regency = app.office_id
    verifier = verifier_of(regency)
    workflow.claim(application=app, actor=verifier)
    workflow.approve(application=app, actor=verifier)
    signer = Actor.staff(make_staff(Role.SIGNING_OFFICIAL, regency=regency))
    workflow.issue(application=app, actor=signer)
    app.refresh_from_db()
    return app


def _ready_for_pickup(household):
    app = _issued(household)
    dispatch = Actor.staff(make_staff(Role.DISPATCH_OFFICER, regency=app.office_id))
    workflow.mark_ready_for_pickup(application=app, actor=dispatch)
    app.refresh_from_db()
    return app


def test_the_operator_marks_documents_that_reached_the_office_ready(
    operator_client, kecamatan_operator, household
):
    app = _issued(household)
    assert app.delivery_method == "pickup"
    listing = operator_client.get(reverse("desk:operator_pickups")).content.decode()
    assert "Dalam perjalanan ke kantor ini" in listing and app.tracking_display in listing
    response = operator_client.post(reverse("desk:operator_arrived", args=[app.tracking_number]))
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == Status.READY_FOR_PICKUP
    assert app.events.get(transition="ready_for_pickup").actor == kecamatan_operator
    again = operator_client.post(reverse("desk:operator_arrived", args=[app.tracking_number]))
    assert again.status_code == 409


def test_hand_over_checks_the_collector_and_records_who_collected(
    operator_client, kecamatan_operator, household
):
    app = _ready_for_pickup(household)
    listing = operator_client.get(reverse("desk:operator_pickups")).content.decode()
    assert app.tracking_display in listing
    url = reverse("desk:operator_handover", args=[app.tracking_number])

    stranger = make_household("36.73.01.1001")["head"]
    refused = operator_client.post(
        url,
        {"collector_nik": stranger.nik, "collector_birth_date": stranger.birth_date.isoformat()},
    )
    assert refused.status_code == 400
    assert "anggota keluarga" in refused.content.decode()
    wrong_date = operator_client.post(url, {"collector_nik": household["wife"].nik,
                                            "collector_birth_date": "1970-01-01"})  # fmt: skip
    assert wrong_date.status_code == 400
    app.refresh_from_db()
    assert app.status == Status.READY_FOR_PICKUP

    wife = household["wife"]
    done = operator_client.post(
        url, {"collector_nik": wife.nik, "collector_birth_date": wife.birth_date.isoformat()}
    )
    assert done.status_code == 302
    app.refresh_from_db()
    assert app.status == Status.COMPLETED
    event = app.events.get(transition="complete")
    assert event.actor == kecamatan_operator
    assert event.data["collector_resident_id"] == wife.pk
    assert event.data["collector_name"] == wife.name
    assert event.data["for_resident_id"] == household["head"].pk
    assert event.data["collector_is_applicant"] is False
    assert wife.nik not in str(event.data)  # masked


def test_hand_over_of_another_kecamatans_case_is_not_found(operator_client):
    theirs = _ready_for_pickup(make_household("36.73.02.1001"))
    url = reverse("desk:operator_handover", args=[theirs.tracking_number])
    assert operator_client.get(url).status_code == 404


def test_the_operator_answers_a_revision_for_the_citizen(
    operator_client, kecamatan_operator, household
):
    head = household["head"]
    operator_client.post(reverse("desk:operator_start", args=[head.pk, "KK_HILANG"]))
    app = Application.objects.get()
    form_url = reverse("desk:operator_form", args=[app.tracking_number])
    operator_client.post(
        form_url,
        {
            "laporan_kehilangan": png(),
            "ktp_kepala": png(),
            "declaration__pernyataan": "1",
            "privacy": "1",
            "consent": "1",
            "delivery": "pickup",
            "action": "submit",
        },
    )
    verifier = verifier_of()
    workflow.claim(application=app, actor=verifier)
    workflow.request_revision(
        application=app,
        actor=verifier,
        reasons=[{"requirement": "ktp_kepala", "reason": "unreadable", "note": "Pindai ulang"}],
    )
    page = operator_client.get(form_url).content.decode()
    assert "Yang perlu diperbaiki" in page and "Pindai ulang" in page
    done = operator_client.post(form_url, {"ktp_kepala": png(), "action": "submit"})
    assert done.status_code == 302, done.content.decode()[:3000]
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED
    resubmit = app.events.get(transition="resubmit")
    assert resubmit.actor == kecamatan_operator
