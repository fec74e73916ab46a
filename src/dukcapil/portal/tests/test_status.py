"""Following an application: status lookup, timeline, revision in place, cancel, own files only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dukcapil.applications import workflow
from dukcapil.applications.models import Status
from dukcapil.applications.testing import PNG, make_application, verifier_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(household):
    return make_application("KK_HILANG", household=household)


def open_status(client, app, birth_date=None):
    birth_date = birth_date or app.applicant.birth_date.isoformat()
    return client.post(reverse("portal:status_lookup"),
                       {"number": app.tracking_display, "birth_date": birth_date})  # fmt: skip


def ask_revision(app, requirement="ktp_kepala"):
    verifier = verifier_of()
    workflow.claim(application=app, actor=verifier)
    return workflow.request_revision(
        application=app, actor=verifier,
        reasons=[{"requirement": requirement, "reason": "unreadable", "note": "Foto buram"}],
    )  # fmt: skip


def test_tracking_number_and_birth_date_open_the_status_page(client, application):
    response = open_status(client, application)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Diajukan" in page
    assert "Permohonan diterima dan menunggu diperiksa petugas." in page
    assert "Langkah berikutnya" in page
    assert application.due_date.strftime("%Y") in page


def test_a_wrong_birth_date_and_an_unknown_number_get_the_same_answer(client, application):
    wrong_date = open_status(client, application, "1999-09-09")
    other = client.post(reverse("portal:status_lookup"),
                        {"number": "K7M-2QX-9PA", "birth_date": "1985-03-14"})  # fmt: skip
    assert wrong_date.status_code == other.status_code == 400
    message = "Nomor registrasi atau tanggal lahir tidak cocok"
    assert message in wrong_date.content.decode()
    assert message in other.content.decode() or "Nomor registrasi" in other.content.decode()


def test_status_lookups_are_limited_per_address(client, application, settings):
    settings.DUKCAPIL_IDENTITY_MAX_FAILURES_PER_IP = 3
    for _ in range(3):
        assert open_status(client, application, "1999-09-09").status_code == 400
    locked = open_status(client, application)
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan" in locked.content.decode()


def test_guessing_the_birth_date_of_one_number_from_many_addresses_is_throttled(
    application, settings
):
    settings.DUKCAPIL_IDENTITY_MAX_FAILURES_PER_NIK = 5
    answers = []
    for day in range(1, 21):
        response = Client(REMOTE_ADDR=f"10.9.0.{day}").post(
            reverse("portal:status_lookup"),
            {"number": application.tracking_display, "birth_date": f"1999-01-{day:02d}"},
        )
        answers.append(response.status_code)
    assert answers == [400] * 5 + [429] * 15
    # Even the right birth date waits now: the lock does not tell a guesser they found it.
    assert open_status(Client(REMOTE_ADDR="10.9.1.1"), application).status_code == 429


def test_the_status_page_is_not_found_without_the_lookup(client, application):
    assert (
        client.get(reverse("portal:status", args=[application.tracking_number])).status_code == 404
    )


def test_a_revision_is_answered_in_place_and_resubmitted(client, application):
    ask_revision(application)
    open_status(client, application)
    url = reverse("portal:status", args=[application.tracking_number])
    page = client.get(url).content.decode()
    assert "Yang perlu diperbaiki" in page
    assert "Foto buram" in page
    assert 'name="ktp_kepala"' in page
    assert 'name="laporan_kehilangan"' not in page  # only what was sent back

    # Sending back without a new file is refused with what to fix.
    refused = client.post(reverse("portal:revise", args=[application.tracking_number]),
                          {"action": "submit"})  # fmt: skip
    assert refused.status_code == 400
    assert "Perbaiki dulu" in refused.content.decode()

    new_file = SimpleUploadedFile("ktp.png", PNG, content_type="image/png")
    response = client.post(reverse("portal:revise", args=[application.tracking_number]),
                           {"ktp_kepala": new_file, "action": "submit"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.events.filter(transition="resubmit", actor_kind="citizen").exists()
    assert application.attachments.filter(requirement_code="ktp_kepala").count() == 2


def test_the_citizen_cancels_before_approval(client, application):
    open_status(client, application)
    cancel_url = reverse("portal:cancel", args=[application.tracking_number])
    assert client.post(cancel_url).status_code == 400  # the box must be ticked
    response = client.post(cancel_url, {"confirm": "1"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.CANCELLED
    page = client.get(response["Location"]).content.decode()
    assert "Permohonan dibatalkan." in page
    assert "Batalkan permohonan" not in page


def test_no_cancel_after_approval(client, application):
    verifier = verifier_of()
    workflow.claim(application=application, actor=verifier)
    workflow.approve(application=application, actor=verifier)
    open_status(client, application)
    page = client.get(reverse("portal:status", args=[application.tracking_number])).content
    assert b"Batalkan permohonan" not in page
    response = client.post(reverse("portal:cancel", args=[application.tracking_number]),
                           {"confirm": "1"})  # fmt: skip
    assert response.status_code == 409
    application.refresh_from_db()
    assert application.status == Status.APPROVED


def test_files_only_for_the_applicants_session(client, application):
    attachment = application.attachments.first()
    url = reverse("portal:attachment", args=[application.tracking_number, attachment.pk])
    assert client.get(url).status_code == 404
    assert Client().get(url).status_code == 404
    open_status(client, application)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    # Another application's file under this case's number is not found.
    other = make_application("KK_HILANG").attachments.first()
    other_url = reverse("portal:attachment", args=[application.tracking_number, other.pk])
    assert client.get(other_url).status_code == 404


def test_files_are_stored_outside_the_static_and_public_paths(application, settings):
    attachment = application.attachments.first()
    assert not attachment.file.name.startswith(("static", "/"))
    assert settings.MEDIA_URL in ("", "/") or not settings.MEDIA_URL.startswith("http")


def test_extra_panels_render_when_provided_and_nothing_when_missing(client, application, settings):
    settings.DUKCAPIL_PORTAL_STATUS_PANELS = [
        "dukcapil.portal.tests.panels.documents_panel",
        "dukcapil.documents.portal_panels.not_there_yet",
        "dukcapil.portal.tests.panels.panel_with_missing_template",
    ]
    open_status(client, application)
    page = client.get(reverse("portal:status", args=[application.tracking_number])).content
    assert b"Dokumen terbit: 1" in page


def test_the_receipt_qr_code_points_to_the_status_page(client, application):
    open_status(client, application)
    page = client.get(reverse("portal:receipt", args=[application.tracking_number])).content
    assert b"<svg" in page
    assert f"/status/?nomor={application.tracking_display}".encode() in page
