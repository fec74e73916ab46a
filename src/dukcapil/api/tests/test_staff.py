"""/api/v1/staff/…: scoped by jurisdiction, actions through the workflow, CSRF on writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dukcapil.accounts.models import Role
from dukcapil.api.testing import post_json
from dukcapil.applications import tracking, workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application, ApplicationEvent, Status
from dukcapil.applications.testing import make_application, make_household, make_staff

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/staff/applications"


def _detail(app: Application) -> str:
    return f"{LIST_URL}/{app.tracking_number}"


def _action(app: Application, action: str) -> str:
    return f"{LIST_URL}/{app.tracking_number}/{action}"


@pytest.fixture
def serang_apps(db) -> list[Application]:
    return [make_application("KK_HILANG") for _ in range(3)]


def test_a_verifier_lists_the_applications_of_their_regency(staff_client, verifier, serang_apps):
    elsewhere = make_application("KK_HILANG", household=make_household("36.03.01.2003"))

    response = staff_client(verifier).get(LIST_URL)

    assert response.status_code == 200, response.json()
    numbers = [item["tracking_number"] for item in response.json()["items"]]
    assert sorted(numbers) == sorted(a.tracking_number for a in serang_apps)
    assert elsewhere.tracking_number not in numbers
    item = response.json()["items"][0]
    assert item["status"] == {"code": "submitted", "label": "Diajukan"}
    assert item["kecamatan"]["code"] == "36.73.01"
    assert response.json()["next"] is None


def test_a_verifier_of_another_regency_sees_none_and_gets_404_on_detail_and_actions(
    staff_client, other_regency_verifier, serang_apps
):
    client = staff_client(other_regency_verifier)
    app = serang_apps[0]

    assert client.get(LIST_URL).json()["items"] == []
    detail = client.get(_detail(app))
    unknown = client.get(f"{LIST_URL}/{tracking.new_tracking_number()}")
    assert detail.status_code == 404
    assert detail.json()["detail"] == "Permohonan tidak ditemukan."
    assert post_json(client, _action(app, "claim"), {}).status_code == 404
    assert unknown.status_code == 404
    assert unknown.json() == detail.json()
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED
    assert not ApplicationEvent.objects.filter(application=app, transition="claim").exists()


def test_the_list_pages_by_due_date_with_a_cursor(staff_client, verifier, serang_apps):
    client = staff_client(verifier)
    seen = []
    page = client.get(LIST_URL, {"size": 2}).json()
    seen += [i["tracking_number"] for i in page["items"]]
    assert len(page["items"]) == 2 and page["next"]
    page = client.get(LIST_URL, {"size": 2, "after": page["next"]}).json()
    seen += [i["tracking_number"] for i in page["items"]]
    assert page["next"] is None
    assert sorted(seen) == sorted(a.tracking_number for a in serang_apps)


def test_the_list_filters_like_the_queue(staff_client, verifier, serang_apps):
    client = staff_client(verifier)
    workflow.claim(application=serang_apps[0], actor=Actor.staff(verifier))
    in_review = client.get(LIST_URL, {"status": "in_review"}).json()["items"]
    assert [i["tracking_number"] for i in in_review] == [serang_apps[0].tracking_number]
    assert client.get(LIST_URL, {"service": "KTP_BARU"}).json()["items"] == []
    assert client.get(LIST_URL, {"kecamatan": "36.73.02"}).json()["items"] == []
    assert client.get(LIST_URL, {"channel": "web"}).json()["items"] != []
    assert client.get(LIST_URL, {"overdue": True}).json()["items"] == []
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert client.get(LIST_URL, {"due_before": yesterday}).json()["items"] == []


def test_filters_that_are_not_codes_are_refused_not_a_server_error(staff_client, verifier):
    client = staff_client(verifier)
    assert client.get(LIST_URL, {"service": "kk baru"}).status_code == 422
    # A NUL character in the address is refused before the view (core's middleware).
    for query in ({"kecamatan": "36\x00.73"}, {"after": "x\x00"}):
        assert client.get(LIST_URL, query).status_code == 400


def test_the_detail_shows_files_history_and_what_the_user_can_do(
    staff_client, verifier, serang_apps
):
    app = serang_apps[0]
    body = staff_client(verifier).get(_detail(app)).json()
    assert body["tracking_number"] == app.tracking_number
    assert {a["requirement"] for a in body["attachments"]} == {"ktp_kepala", "laporan_kehilangan"}
    assert all(len(a["sha256"]) == 64 for a in body["attachments"])
    assert [e["step"]["code"] for e in body["events"]] == ["submit"]
    assert body["applicant"]["nik"] == app.applicant.nik  # a verifier sees full identifiers
    assert body["allowed_actions"] == ["claim"]


def test_claim_then_approve_through_the_api(staff_client, verifier, serang_apps):
    client = staff_client(verifier)
    app = serang_apps[0]

    claimed = post_json(client, _action(app, "claim"), {})
    assert claimed.status_code == 200, claimed.json()
    assert claimed.json()["status"]["code"] == "in_review"
    assert claimed.json()["assigned_to"] == verifier.username

    approved = post_json(client, _action(app, "approve"), {"note": "lengkap"})
    assert approved.status_code == 200, approved.json()
    app.refresh_from_db()
    assert app.status == Status.APPROVED
    assert app.events.last().note == "lengkap"


def test_an_action_from_the_wrong_state_is_409(staff_client, verifier, serang_apps):
    app = serang_apps[0]
    dispatcher = make_staff(Role.DISPATCH_OFFICER, regency="36.73")
    not_issued = post_json(staff_client(dispatcher), _action(app, "ready_for_pickup"), {})
    assert not_issued.status_code == 409
    assert set(not_issued.json()) == {"detail", "errors"}
    claimed_by_other = make_staff(Role.VERIFIER, regency="36.73")
    workflow.claim(application=app, actor=Actor.staff(claimed_by_other))
    again = post_json(staff_client(verifier), _action(app, "claim"), {})
    assert again.status_code == 409
    assert "Sedang diverifikasi" in again.json()["detail"]
    app.refresh_from_db()
    assert app.assigned_to == claimed_by_other


def test_request_revision_needs_reasons_and_records_them(staff_client, verifier, serang_apps):
    client = staff_client(verifier)
    app = serang_apps[0]
    post_json(client, _action(app, "claim"), {})

    no_reason = post_json(client, _action(app, "request_revision"), {"reasons": []})
    assert no_reason.status_code == 400
    bad_reason = post_json(
        client, _action(app, "request_revision"),
        {"reasons": [{"requirement": "ktp_kepala", "reason": "bosan"}]},
    )  # fmt: skip
    assert bad_reason.status_code == 422
    assert "reasons.0.reason" in bad_reason.json()["errors"]

    done = post_json(
        client, _action(app, "request_revision"),
        {"reasons": [{"requirement": "ktp_kepala", "reason": "unreadable", "note": "buram"}]},
    )  # fmt: skip
    assert done.status_code == 200, done.json()
    app.refresh_from_db()
    assert app.status == Status.NEEDS_REVISION
    assert app.verdicts.get().reason == "unreadable"


def test_reject_needs_a_reason(staff_client, verifier, serang_apps):
    client = staff_client(verifier)
    app = serang_apps[0]
    post_json(client, _action(app, "claim"), {})
    short = post_json(client, _action(app, "reject"), {"reason": "tidak"})
    assert short.status_code == 400
    assert "10 karakter" in short.json()["detail"]
    done = post_json(client, _action(app, "reject"), {"reason": "Laporan kehilangan palsu"})
    assert done.status_code == 200
    assert done.json()["status"]["code"] == "rejected"


def test_a_role_that_may_not_act_gets_403(staff_client, serang_apps):
    dispatcher = make_staff(Role.DISPATCH_OFFICER, regency="36.73")
    response = post_json(staff_client(dispatcher), _action(serang_apps[0], "claim"), {})
    assert response.status_code == 403
    assert set(response.json()) == {"detail", "errors"}


def test_an_unknown_action_is_a_schema_error(staff_client, verifier, serang_apps):
    response = post_json(staff_client(verifier), _action(serang_apps[0], "teleport"), {})
    assert response.status_code == 422


def test_claim_next_hands_out_the_oldest_due_then_204_when_empty(
    staff_client, verifier, serang_apps
):
    client = staff_client(verifier)
    claimed = []
    for _ in serang_apps:
        response = post_json(client, "/api/v1/staff/queue/claim-next", {})
        assert response.status_code == 200
        claimed.append(response.json()["tracking_number"])
    assert sorted(claimed) == sorted(a.tracking_number for a in serang_apps)
    assert post_json(client, "/api/v1/staff/queue/claim-next", {}).status_code == 204
    assert Application.objects.filter(status=Status.IN_REVIEW, assigned_to=verifier).count() == 3


def test_writes_need_the_csrf_token_and_reads_do_not(staff_client, verifier, serang_apps):
    client = staff_client(verifier, enforce_csrf=True)
    app = serang_apps[0]
    assert client.get(_detail(app)).status_code == 200

    refused = post_json(client, _action(app, "claim"), {})
    assert refused.status_code == 403
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED

    client.get("/api/docs")
    ok = post_json(
        client, _action(app, "claim"), {}, **{"X-CSRFToken": client.cookies["csrftoken"].value}
    )
    assert ok.status_code == 200


def test_staff_endpoints_refuse_api_keys_and_unverified_sessions(
    client, serang_key, verifier, serang_apps
):
    assert (
        client.get(LIST_URL, headers={"Authorization": f"Bearer {serang_key.key}"}).status_code
        == 401
    )
    client.force_login(verifier, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(LIST_URL).status_code == 401


def test_a_province_monitor_sees_no_case(staff_client, serang_apps):
    monitor = make_staff(Role.PROVINCE_MONITOR, regency="")
    client = staff_client(monitor)
    assert client.get(LIST_URL).json()["items"] == []
    assert client.get(_detail(serang_apps[0])).status_code == 404


def test_listing_costs_the_same_queries_for_three_cases_or_six(staff_client, verifier, serang_apps):
    """No query per row: service, kecamatan and assignee come with the list."""
    client = staff_client(verifier)
    client.get(LIST_URL)  # session and device loaded once
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(LIST_URL).json()["items"]) == 3
    for _ in range(3):
        make_application("KK_HILANG")
    with CaptureQueriesContext(connection) as six:
        assert len(client.get(LIST_URL).json()["items"]) == 6
    assert len(six) == len(three)


def test_the_detail_costs_a_fixed_number_of_queries(staff_client, verifier, serang_apps):
    client = staff_client(verifier)
    app = serang_apps[0]
    with CaptureQueriesContext(connection) as before:
        client.get(_detail(app))
    workflow.claim(application=app, actor=Actor.staff(verifier))
    workflow.release(application=app, actor=Actor.staff(verifier))
    with CaptureQueriesContext(connection) as after:
        body = client.get(_detail(app)).json()
    assert len(body["events"]) == 3
    assert len(after) == len(before)


def test_a_role_that_sees_identifiers_masked_gets_them_masked_in_form_data_too(staff_client):
    household = make_household()
    app = make_application("KK_UBAH", household=household)
    head_nik = household["head"].nik
    dispatcher = make_staff(Role.DISPATCH_OFFICER, regency="36.73")

    body = staff_client(dispatcher).get(_detail(app)).json()

    assert head_nik not in str(body)
    assert body["applicant"]["nik"] != head_nik
    assert body["form_data"]["perubahan"]["nik"] != head_nik
    assert body["form_data"]["perubahan"]["changes"] == {"occupation": "Wiraswasta"}


@pytest.mark.parametrize("action", ["issue", "mark_printed", "ship"])
def test_issuing_printing_and_shipping_are_not_bare_api_steps(
    staff_client, verifier, serang_apps, action
):
    """Issuing signs the documents (after the TOTP again), printing spends blank cards and
    shipping books the parcel: the documents and delivery apps make those transitions."""
    app = serang_apps[0]
    workflow.claim(application=app, actor=Actor.staff(verifier))
    app = workflow.approve(application=app, actor=Actor.staff(verifier))
    signer = make_staff(Role.SIGNING_OFFICIAL, regency="36.73")
    response = post_json(staff_client(signer), _action(app, action), {})
    assert response.status_code == 422
    app.refresh_from_db()
    assert app.status == Status.APPROVED
    detail = staff_client(signer).get(f"/api/v1/staff/applications/{app.tracking_number}")
    assert "issue" not in detail.json()["allowed_actions"]
