"""Reviewing one case: what the page shows, and verdicts and decisions made through it."""

import re

import pytest
from django.urls import reverse

from dukcapil.accounts.models import Role
from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import (
    Application,
    ApplicationEvent,
    RequirementVerdict,
    Status,
)
from dukcapil.applications.testing import make_application, make_household, make_staff
from dukcapil.desk.tests.conftest import action_url, review_url
from dukcapil.registry.identifiers import mask_nik

pytestmark = pytest.mark.django_db

UPLOADS = ("laporan_kehilangan", "ktp_kepala")  # the upload requirements of KK_HILANG


def _claimed(app: Application, user) -> Application:
    return workflow.claim(application=app, actor=Actor.staff(user))


def _snapshot(app: Application) -> tuple:
    """What a refused POST must leave as it was."""
    app.refresh_from_db()
    return (
        app.status,
        app.assigned_to_id,
        app.events.count(),
        list(app.verdicts.values_list("requirement_code", "verdict", "reason", "note")),
    )


# ---------------------------------------------------------------------------------------------
# What the page shows


def test_the_review_page_shows_each_requirement_with_its_attachment(as_user, verifier, application):
    response = as_user(verifier).get(review_url(application))
    assert response.status_code == 200
    text = response.text
    assert application.service_version.name_id in text
    for requirement in application.service_version.requirements:
        assert requirement["label"]["id"] in text
    for attachment in application.attachments.all():
        url = reverse("desk:attachment", args=[attachment.pk])
        assert f'href="{url}"' in text
        assert f'<img class="doc" src="{url}"' in text


def test_a_pdf_attachment_is_shown_in_a_frame(as_user, verifier):
    from dukcapil.applications import services
    from dukcapil.applications.testing import PDF

    app = make_application(submit=False)
    services.add_attachment(
        application=app,
        actor=Actor.citizen(app.applicant_id),
        requirement_code="ktp_kepala",
        content=PDF,
    )
    app = workflow.submit(application=app, actor=Actor.citizen(app.applicant_id))
    pdf = app.attachments.get(requirement_code="ktp_kepala", superseded=False)
    text = as_user(verifier).get(review_url(app)).text
    assert f'<iframe class="doc" src="{reverse("desk:attachment", args=[pdf.pk])}"' in text
    assert "Unggahan sebelumnya (1)" in text


def test_the_page_shows_the_applicant_with_the_full_nik_to_a_verifier(
    as_user, verifier, application
):
    text = as_user(verifier).get(review_url(application)).text
    assert application.applicant.name in text
    assert application.applicant.nik in text


def test_the_regency_head_sees_the_nik_masked(as_user, regency_head):
    household = make_household()
    app = make_application("KK_UBAH", household=household)
    text = as_user(regency_head).get(review_url(app)).text
    nik = app.applicant.nik
    assert nik not in text  # neither the applicant's NIK nor the one inside the form data
    assert mask_nik(nik) in text


def test_the_timeline_lists_every_event_in_jakarta_time(as_user, verifier, application):
    _claimed(application, verifier)
    text = as_user(verifier).get(review_url(application)).text
    history = text.split('id="h-history"', 1)[1]
    assert history.count("<li>") == 2
    for event in application.events.all():
        local = event.at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Jakarta"))
        assert local.strftime("%d-%m-%Y %H:%M") + " WIB" in history
    assert "Draf → <strong>Diajukan</strong>" in history
    assert "Diajukan → <strong>Sedang diverifikasi</strong>" in history
    assert verifier.username in history


def test_the_page_accepts_the_tracking_number_as_people_write_it(as_user, verifier, application):
    url = reverse("desk:review", args=[application.tracking_display.lower()])
    assert as_user(verifier).get(url).status_code == 200
    typo = application.tracking_number[:-1] + (
        "0" if application.tracking_number[-1] != "0" else "1"
    )
    assert as_user(verifier).get(reverse("desk:review", args=[typo])).status_code == 404


def _buttons(response) -> set[str]:
    return set(re.findall(r'action="/kantor/permohonan/\w{9}/([a-z]+)/"', response.text))


def test_only_the_allowed_actions_are_offered(as_user, verifier, regency_head, application):
    colleague = make_staff(Role.VERIFIER, regency="36.73")
    assert _buttons(as_user(verifier).get(review_url(application))) == {"ambil"}
    assert _buttons(as_user(regency_head).get(review_url(application))) == set()
    _claimed(application, verifier)
    assert _buttons(as_user(verifier).get(review_url(application))) == {
        "setujui", "tolak", "perbaikan", "kembalikan"
    }  # fmt: skip
    assert _buttons(as_user(colleague).get(review_url(application))) == {"kembalikan"}
    assert _buttons(as_user(regency_head).get(review_url(application))) == {"kembalikan"}
    assert "verdict-form" not in as_user(colleague).get(review_url(application)).text


# ---------------------------------------------------------------------------------------------
# Verdicts and decisions


def test_a_verdict_is_recorded_and_htmx_gets_the_row_back(as_user, verifier, application):
    _claimed(application, verifier)
    client = as_user(verifier)
    response = client.post(
        action_url("verdict", application, "ktp_kepala"),
        {"verdict": "needs_revision", "reason": "unreadable", "note": "Buram"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    verdict = RequirementVerdict.objects.get(application=application, requirement_code="ktp_kepala")
    assert (verdict.verdict, verdict.reason, verdict.note, verdict.by) == (
        "needs_revision", "unreadable", "Buram", verifier,
    )  # fmt: skip
    text = response.text
    assert "<html" not in text
    assert text.lstrip().startswith('<article id="req-ktp_kepala" class="req req-revise">')
    # The revision form comes along, pre-checked from the verdict.
    assert 'id="revision"' in text and 'hx-swap-oob="true"' in text
    assert re.search(r'name="revise" value="ktp_kepala" checked', text)
    assert not re.search(r'name="revise" value="laporan_kehilangan" checked', text)


def test_a_verdict_without_htmx_returns_to_the_requirement(as_user, verifier, application):
    _claimed(application, verifier)
    response = as_user(verifier).post(
        action_url("verdict", application, "laporan_kehilangan"), {"verdict": "accepted"}
    )
    assert response.status_code == 302
    assert response["Location"] == review_url(application) + "#req-laporan_kehilangan"
    assert application.verdicts.get().verdict == RequirementVerdict.Verdict.ACCEPTED


def test_a_verdict_asking_for_revision_needs_a_reason(as_user, verifier, application):
    _claimed(application, verifier)
    before = _snapshot(application)
    client = as_user(verifier)
    response = client.post(
        action_url("verdict", application, "ktp_kepala"), {"verdict": "needs_revision"}
    )
    assert response.status_code == 400
    assert "Pilih alasan perbaikan." in response.text
    htmx = client.post(
        action_url("verdict", application, "ktp_kepala"),
        {"verdict": "needs_revision"},
        HTTP_HX_REQUEST="true",
    )
    assert htmx.status_code == 400
    assert htmx["HX-Retarget"] == "#errors"
    assert "Pilih alasan perbaikan." in htmx.text
    assert _snapshot(application) == before


def test_a_verdict_before_claiming_is_refused(as_user, verifier, application):
    before = _snapshot(application)
    response = as_user(verifier).post(
        action_url("verdict", application, "ktp_kepala"), {"verdict": "accepted"}
    )
    assert response.status_code == 403
    assert _snapshot(application) == before


def test_claim_from_the_page(as_user, verifier, application):
    response = as_user(verifier).post(action_url("claim", application))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert application.assigned_to == verifier


def test_request_revision_through_the_page(as_user, verifier, application):
    _claimed(application, verifier)
    client = as_user(verifier)
    response = client.post(
        action_url("request_revision", application),
        {
            "revise": ["ktp_kepala", "laporan_kehilangan"],
            "reason_ktp_kepala": "unreadable",
            "note_ktp_kepala": "Foto buram",
            "reason_laporan_kehilangan": "expired_document",
            "note": "Mohon unggah ulang.",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.NEEDS_REVISION
    event = application.events.get(transition="request_revision")
    assert event.actor == verifier
    assert event.note == "Mohon unggah ulang."
    assert {r["requirement"] for r in event.data["reasons"]} == set(UPLOADS)
    verdicts = dict(application.verdicts.values_list("requirement_code", "reason"))
    assert verdicts == {"ktp_kepala": "unreadable", "laporan_kehilangan": "expired_document"}
    page = client.get(review_url(application)).text
    assert "Foto/pindaian tidak terbaca" in page  # the reason, shown in the timeline


def test_request_revision_without_a_reason_is_400_and_writes_nothing(
    as_user, verifier, application
):
    _claimed(application, verifier)
    before = _snapshot(application)
    client = as_user(verifier)
    response = client.post(action_url("request_revision", application), {"note": "x"})
    assert response.status_code == 400
    assert "Pilih paling sedikit satu alasan perbaikan." in response.text
    # "Other" needs a note; the check runs before anything is written.
    response = client.post(
        action_url("request_revision", application),
        {"revise": "ktp_kepala", "reason_ktp_kepala": "other"},
    )
    assert response.status_code == 400
    assert _snapshot(application) == before


def test_approve_through_the_page(as_user, verifier, application):
    _claimed(application, verifier)
    response = as_user(verifier).post(action_url("approve", application), {"note": "Lengkap"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    event = application.events.get(transition="approve")
    assert (event.actor, event.from_status, event.note) == (verifier, Status.IN_REVIEW, "Lengkap")


def test_reject_needs_a_reason(as_user, verifier, application):
    _claimed(application, verifier)
    before = _snapshot(application)
    client = as_user(verifier)
    response = client.post(action_url("reject", application), {"reason": "palsu"})
    assert response.status_code == 400
    assert "paling sedikit 10 karakter" in response.text
    assert "palsu</textarea>" in response.text  # what was typed is kept
    assert _snapshot(application) == before
    response = client.post(
        action_url("reject", application), {"reason": "Laporan kehilangan bukan dari kepolisian"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.REJECTED
    assert application.events.get(transition="reject").note.startswith("Laporan kehilangan")


def test_release_puts_the_case_back_in_the_queue(as_user, verifier, application):
    _claimed(application, verifier)
    response = as_user(verifier).post(action_url("release", application), {"note": "Cuti"})
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:queue")
    application.refresh_from_db()
    assert (application.status, application.assigned_to) == (Status.SUBMITTED, None)
    assert application.events.get(transition="release").note == "Cuti"


# ---------------------------------------------------------------------------------------------
# Refusals: wrong state, wrong person, wrong office


def test_a_wrong_state_post_is_409_and_changes_nothing(as_user, verifier, application):
    _claimed(application, verifier)
    client = as_user(verifier)
    before = _snapshot(application)
    response = client.post(action_url("claim", application))  # already in review
    assert response.status_code == 409
    assert "tidak dapat di" in response.text
    assert _snapshot(application) == before
    assert client.post(action_url("approve", application)).status_code == 302
    before = _snapshot(application)
    for name, data in [
        ("approve", {}),
        ("reject", {"reason": "Sudah disetujui sebelumnya"}),
        ("release", {}),
    ]:
        response = client.post(action_url(name, application), data)
        assert response.status_code == 409, name
        assert _snapshot(application) == before


def test_a_409_under_htmx_goes_to_the_error_region(as_user, verifier, application):
    _claimed(application, verifier)
    response = as_user(verifier).post(action_url("claim", application), HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#errors"
    assert "<html" not in response.text


def test_another_verifier_of_the_office_may_not_decide(as_user, verifier, application):
    _claimed(application, verifier)
    colleague = make_staff(Role.VERIFIER, regency="36.73")
    before = _snapshot(application)
    response = as_user(colleague).post(action_url("approve", application))
    assert response.status_code == 403
    assert "verifikator lain" in response.text
    assert _snapshot(application) == before


CASE_POSTS = [
    ("claim", (), {}),
    ("release", (), {}),
    ("request_revision", (), {"revise": "ktp_kepala", "reason_ktp_kepala": "unreadable"}),
    ("approve", (), {}),
    ("reject", (), {"reason": "Tidak memenuhi syarat sama sekali"}),
    ("verdict", ("ktp_kepala",), {"verdict": "accepted"}),
]


@pytest.mark.parametrize("claimed", [False, True], ids=["submitted", "in_review"])
def test_a_verifier_of_another_regency_gets_404_everywhere(
    as_user, verifier, other_regency_verifier, application, claimed
):
    if claimed:
        _claimed(application, verifier)
    before = _snapshot(application)
    client = as_user(other_regency_verifier)
    assert client.get(review_url(application)).status_code == 404
    for attachment in application.attachments.all():
        assert client.get(reverse("desk:attachment", args=[attachment.pk])).status_code == 404
    for name, args, data in CASE_POSTS:
        response = client.post(action_url(name, application, *args), data)
        assert response.status_code == 404, name
        assert application.tracking_number not in response.text
    assert _snapshot(application) == before
    assert not ApplicationEvent.objects.filter(actor=other_regency_verifier).exists()


def test_case_actions_refuse_get(as_user, verifier, application):
    for name, args, _data in CASE_POSTS:
        assert as_user(verifier).get(action_url(name, application, *args)).status_code == 405
