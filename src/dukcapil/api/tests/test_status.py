"""GET /api/v1/applications/{tracking_number}/status: the applicant's public lookup."""

from __future__ import annotations

import json

import pytest
from ninja.responses import NinjaJSONEncoder

from dukcapil.api.schemas import StatusOut
from dukcapil.applications import tracking, workflow
from dukcapil.applications.testing import make_application, make_household, verifier_of

pytestmark = pytest.mark.django_db


def _url(number: str, birth_date: str) -> str:
    return f"/api/v1/applications/{number}/status?birth_date={birth_date}"


def _typo(number: str) -> str:
    """The number with one character changed: caught by the check character."""
    replacement = "X" if number[3] != "X" else "Y"
    return number[:3] + replacement + number[4:]


def _as_the_schema_makes_it(app) -> dict:  # noqa: ANN001
    """What django-ninja answers when it validates the rendered status of ``app`` into StatusOut
    and dumps it (the view renders its dict as it is: it must be exactly that). Built from the
    database, not from the view's JSON: times already cut to milliseconds would parse back
    differently (``…55.000Z`` becomes ``…55Z``)."""
    from dukcapil.api import render, selectors

    found, events = selectors.public_status(
        tracking_text=app.tracking_number, birth_date=app.applicant.birth_date
    )
    made = StatusOut.model_validate(render.public_status(found, events)).model_dump()
    return json.loads(json.dumps(made, cls=NinjaJSONEncoder))


@pytest.fixture
def app(db):
    return make_application("KK_HILANG")


def test_the_applicant_sees_state_service_due_date_and_timeline(client, app):
    response = client.get(_url(app.tracking_display, app.applicant.birth_date.isoformat()))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["tracking_number"] == app.tracking_number
    assert body["status"] == {"code": "submitted", "label": "Diajukan"}
    assert body["service"]["code"] == "KK_HILANG"
    assert body["due_date"] == app.due_date.isoformat()
    assert body["submitted_at"]
    assert [(e["step"]["code"], e["to_status"]["code"]) for e in body["timeline"]] == [
        ("submit", "submitted")
    ]
    assert body["revision_reasons"] == []
    assert body == _as_the_schema_makes_it(app)


def test_labels_follow_the_request_language(client, app):
    response = client.get(
        _url(app.tracking_number, app.applicant.birth_date.isoformat()),
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert response.json()["status"]["code"] == "submitted"
    assert response["Content-Language"] == "en"


def test_a_mistyped_number_is_400_without_touching_the_database(
    client, app, django_assert_num_queries
):
    url = _url(_typo(app.tracking_number), app.applicant.birth_date.isoformat())

    with django_assert_num_queries(0):
        response = client.get(url)

    assert response.status_code == 400
    assert response.json()["errors"]["tracking_number"] == [
        "Nomor registrasi salah ketik: periksa lagi setiap hurufnya."
    ]


def test_the_typo_message_is_english_with_accept_language_en(client, app):
    response = client.get(
        _url(_typo(app.tracking_number), "1985-03-14"), headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "The tracking number has a typo: check each character again."
    )


def test_a_wrong_birth_date_is_the_same_404_as_an_unknown_number(client, app):
    wrong_birth_date = client.get(_url(app.tracking_number, "1990-01-01"))
    unknown = client.get(_url(tracking.new_tracking_number(), app.applicant.birth_date.isoformat()))

    assert wrong_birth_date.status_code == unknown.status_code == 404
    assert wrong_birth_date.json() == unknown.json()
    assert "tidak ditemukan" in unknown.json()["detail"]


def test_a_missing_or_malformed_birth_date_is_a_schema_error(client, app):
    assert client.get(f"/api/v1/applications/{app.tracking_number}/status").status_code == 422
    response = client.get(_url(app.tracking_number, "14-03-1985"))
    assert response.status_code == 422
    assert "birth_date" in response.json()["errors"]


def test_revision_reasons_are_shown_and_staff_names_are_not(client):
    verifier = verifier_of("36.73")
    app = make_application("KK_HILANG", household=make_household())
    workflow.claim(application=app, actor=verifier)
    workflow.request_revision(
        application=app,
        actor=verifier,
        reasons=[{"requirement": "ktp_kepala", "reason": "unreadable", "note": "Foto buram"}],
        note="catatan internal",
    )

    response = client.get(_url(app.tracking_number, app.applicant.birth_date.isoformat()))

    body = response.json()
    assert body["status"]["code"] == "needs_revision"
    assert body["revision_due_date"]
    assert body["revision_reasons"] == [
        {
            "requirement": {"code": "ktp_kepala", "label": body["revision_reasons"][0]
                            ["requirement"]["label"]},
            "reason": {"code": "unreadable", "label": "Foto/pindaian tidak terbaca"},
            "note": "Foto buram",
        }
    ]  # fmt: skip
    assert body["revision_reasons"][0]["requirement"]["label"]
    assert [e["to_status"]["code"] for e in body["timeline"]] == [
        "submitted", "in_review", "needs_revision"
    ]  # fmt: skip
    assert body == _as_the_schema_makes_it(app)
    text = response.content.decode()
    assert verifier.user.username not in text
    assert "catatan internal" not in text


def test_a_rejection_shows_its_reason(client):
    verifier = verifier_of("36.73")
    app = make_application("KK_HILANG")
    workflow.claim(application=app, actor=verifier)
    workflow.reject(application=app, actor=verifier, reason="Laporan kehilangan tidak sah")
    body = client.get(_url(app.tracking_number, app.applicant.birth_date.isoformat())).json()
    assert body["status"]["code"] == "rejected"
    assert body["decision_reason"] == "Laporan kehilangan tidak sah"
    assert body == _as_the_schema_makes_it(app)


def test_lookups_are_limited_per_address_with_retry_after(client, app, settings):
    settings.DUKCAPIL_API_RATE_LIMITS = {"status": (3, 60)}
    url = _url(app.tracking_number, app.applicant.birth_date.isoformat())
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]

    refused = client.get(url)

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert set(refused.json()) == {"detail", "errors"}
    # Another address is counted on its own.
    assert client.get(url, REMOTE_ADDR="10.1.2.3").status_code == 200


def test_every_step_is_in_the_timeline_even_a_release(client, app):
    workflow.claim(application=app, actor=verifier_of("36.73"))
    workflow.release(application=app, actor=verifier_of("36.73"), note="salah ambil")
    body = client.get(_url(app.tracking_number, app.applicant.birth_date.isoformat())).json()
    assert [e["step"]["code"] for e in body["timeline"]] == ["submit", "claim", "release"]
    assert body["status"]["code"] == "submitted"


@pytest.mark.parametrize("written", ["0", "1700000000", "14-03-1985", "1985-3-14"])
def test_a_birth_date_must_be_written_as_yyyy_mm_dd(client, app, written):
    response = client.get(_url(app.tracking_number, written))
    assert response.status_code == 422
    assert response.json()["errors"]["birth_date"] == [
        "Harus berupa tanggal dengan format TTTT-BB-HH."
    ]
