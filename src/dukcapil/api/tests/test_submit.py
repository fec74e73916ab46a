"""POST /api/v1/applications: submit with an API key or an operator's session, all or nothing."""

from __future__ import annotations

import hashlib

import pytest
from django_tasks_db.models import DBTaskResult

from dukcapil.api.models import ApiKey, IdempotencyRecord
from dukcapil.api.testing import SUBMIT_URL, b64, bearer, post_json, submission
from dukcapil.applications.models import Application, ApplicationEvent, Attachment, Status
from dukcapil.applications.testing import PDF, PNG, make_household

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Application.objects.count(),
        Attachment.objects.count(),
        ApplicationEvent.objects.count(),
        DBTaskResult.objects.count(),
        IdempotencyRecord.objects.count(),
    )


def test_submit_with_api_key_creates_application_with_attachments_event_and_notification_job(
    client, serang_key, household
):
    response = post_json(client, SUBMIT_URL, submission(household=household), **bearer(serang_key))

    assert response.status_code == 201, response.json()
    body = response.json()
    app = Application.objects.get(tracking_number=body["tracking_number"])
    assert app.status == Status.SUBMITTED
    assert app.channel == "api"
    assert app.office_id == "36.73"
    assert app.applicant == household["head"]
    assert body["status"] == {"code": "submitted", "label": "Diajukan"}
    assert body["tracking_display"] == app.tracking_display
    assert body["due_date"] == app.due_date.isoformat()
    attachments = list(app.attachments.order_by("requirement_code"))
    assert [a.requirement_code for a in attachments] == ["ktp_kepala", "laporan_kehilangan"]
    assert {a.sha256 for a in attachments} == {hashlib.sha256(PNG).hexdigest()}
    assert all(a.file.read() == PNG for a in attachments)
    assert sorted(a["sha256"] for a in body["attachments"]) == [a.sha256 for a in attachments]
    event = app.events.get()
    assert (event.transition, event.actor_kind, event.to_status) == ("submit", "api", "submitted")
    assert "SIAK bridge" in event.actor_label
    job = DBTaskResult.objects.get()
    assert job.args_kwargs["args"] == [event.pk]
    assert ApiKey.objects.get().last_used_at is not None


def test_the_answer_describes_the_stored_file_of_a_reencoded_photo(client, serang_key, household):
    """A photo with metadata is stored re-encoded without it: the answer's digest, type and size
    are those of the stored file, which the client can check against what it later downloads."""
    import io

    from PIL import Image

    image = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "Kamera Uji"  # Make
    raw = io.BytesIO()
    image.save(raw, format="JPEG", exif=exif.tobytes())
    photo = raw.getvalue()
    body = submission(household=household)
    code = sorted(body["attachments"])[0]
    body["attachments"][code] = {"content_base64": b64(photo), "filename": "ktp.jpg"}

    response = post_json(client, SUBMIT_URL, body, **bearer(serang_key))

    assert response.status_code == 201, response.json()
    answer = {a["requirement"]: a for a in response.json()["attachments"]}[code]
    stored = Application.objects.get(
        tracking_number=response.json()["tracking_number"]
    ).attachments.get(requirement_code=code)
    assert stored.file.read() != photo  # re-encoded, its metadata gone
    assert answer["sha256"] == stored.sha256 != hashlib.sha256(photo).hexdigest()
    assert (answer["content_type"], answer["size"]) == (stored.content_type, stored.size)


def test_the_key_may_come_in_the_x_api_key_header(client, serang_key, household):
    response = post_json(
        client, SUBMIT_URL, submission(household=household), **{"X-API-Key": serang_key.key}
    )
    assert response.status_code == 201


def test_a_retry_with_the_same_idempotency_key_returns_the_first_answer_and_creates_nothing(
    client, serang_key, household
):
    body = submission(household=household)
    headers = {**bearer(serang_key), "Idempotency-Key": "3f1c-retry-1"}
    first = post_json(client, SUBMIT_URL, body, **headers)
    assert first.status_code == 201
    counts = _counts()

    # The same request, its keys in another order: the same request.
    again = post_json(client, SUBMIT_URL, dict(reversed(list(body.items()))), **headers)

    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert _counts() == counts


def test_the_same_idempotency_key_with_another_body_is_refused_with_422(
    client, serang_key, household
):
    headers = {**bearer(serang_key), "Idempotency-Key": "key-1"}
    assert (
        post_json(client, SUBMIT_URL, submission(household=household), **headers).status_code == 201
    )
    counts = _counts()

    other = submission(household=household, phone="6289876543210")
    response = post_json(client, SUBMIT_URL, other, **headers)

    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["errors"]
    assert "berbeda" in response.json()["detail"]
    assert _counts() == counts


def test_idempotency_keys_belong_to_one_caller(client, serang_key, household):
    """Another integration using the same key string gets its own answer, not the first's."""
    from dukcapil.api.keys import create_api_key

    second = create_api_key(office=serang_key.api_key.office, name="Portal warga")
    body = submission(household=household)
    first = post_json(client, SUBMIT_URL, body, **bearer(serang_key), **{"Idempotency-Key": "k"})
    other = post_json(client, SUBMIT_URL, body, **bearer(second), **{"Idempotency-Key": "k"})
    assert first.status_code == other.status_code == 201
    assert first.json()["tracking_number"] != other.json()["tracking_number"]


def test_a_failed_request_does_not_use_up_its_idempotency_key(client, serang_key, household):
    headers = {**bearer(serang_key), "Idempotency-Key": "fix-and-retry"}
    bad = submission(household=household, privacy_acknowledged=False)
    assert post_json(client, SUBMIT_URL, bad, **headers).status_code == 400
    good = post_json(client, SUBMIT_URL, submission(household=household), **headers)
    assert good.status_code == 201


def _without(body: dict, *path: str) -> dict:
    inner = body
    for key in path[:-1]:
        inner = inner[key]
    del inner[path[-1]]
    return body


BAD_INPUTS = {
    "unknown service": (
        lambda b: {**b, "service": "SURAT_SAKTI"}, 400, "service", "tidak dikenal"),
    "service code with a NUL character": (  # PostgreSQL refuses NUL in text (test_nul.py)
        lambda b: {**b, "service": "KK_\x00HILANG"}, 422, "service", "karakter NUL"),
    "missing upload": (
        lambda b: _without(b, "attachments", "ktp_kepala"), 400, "attachments.ktp_kepala",
        "Persyaratan belum dipenuhi"),
    "text file as a requirement": (
        lambda b: {**b, "attachments": {**b["attachments"], "ktp_kepala": {
            "content_base64": b64(b"just some text\n"), "filename": "ktp.txt"}}},
        400, "attachments.ktp_kepala", "Berkas harus JPEG, PNG atau PDF."),
    "not base64": (
        lambda b: {**b, "attachments": {**b["attachments"], "ktp_kepala": {
            "content_base64": "%%% not base64 %%%"}}},
        400, "attachments.ktp_kepala", "base64"),
    "file over 5 MB": (
        lambda b: {**b, "attachments": {**b["attachments"], "ktp_kepala": {
            "content_base64": b64(PDF + b"0" * (5 * 1024 * 1024))}}},
        400, "attachments.ktp_kepala", "5 MB"),
    "upload for another service": (
        lambda b: {**b, "attachments": {**b["attachments"], "akta_nikah": {
            "content_base64": b64(PNG)}}},
        400, "attachments.akta_nikah", "tidak ada pada layanan ini"),
    "malformed NIK": (
        lambda b: {**b, "applicant": {**b["applicant"], "nik": "12345"}}, 400, "applicant.nik",
        "16 angka"),
    "malformed KK number": (
        lambda b: {**b, "applicant": {**b["applicant"], "kk_number": "0000000000000000"}}, 400,
        "applicant.kk_number", "kecamatan"),
    "privacy notice not acknowledged": (
        lambda b: {**b, "privacy_acknowledged": False}, 400, "privacy_acknowledged", "privasi"),
    "declaration missing": (
        lambda b: {**b, "declarations": []}, 400, "declarations.pernyataan",
        "Persyaratan belum dipenuhi"),
    "unknown declaration": (
        lambda b: {**b, "declarations": ["pernyataan", "sumpah_palsu"]}, 400,
        "declarations.sumpah_palsu", "Pernyataan ini tidak ada"),
    "birth date not a date": (
        lambda b: {**b, "applicant": {**b["applicant"], "birth_date": "14-03-1985"}}, 422,
        "applicant.birth_date", "TTTT-BB-HH"),
    "unknown field": (
        lambda b: {**b, "nama_lengkap": "Budi"}, 422, "nama_lengkap", "tidak dikenal"),
    "no applicant": (lambda b: _without(b, "applicant"), 422, "applicant", "Wajib diisi"),
    "operator channel from an integration": (
        lambda b: {**b, "channel": "operator"}, 400, "channel", "petugas"),
    "delivery by post without an address": (
        lambda b: {**b, "delivery": {"method": "post", "address": {"desa": "99.99.99.9999"}}},
        400, "__all__", "Desa/kelurahan"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_is_refused_with_a_message_and_nothing_written(
    case, client, serang_key, household, settings, tmp_path
):
    change, status, field, message = BAD_INPUTS[case]
    counts = _counts()
    settings.MEDIA_ROOT = tmp_path  # the files stored before the refusal must go too

    response = post_json(
        client,
        SUBMIT_URL,
        change(submission(household=household)),
        **bearer(serang_key),
        **{"Idempotency-Key": f"bad-{case}"},
    )

    assert response.status_code == status, response.json()
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert message in " ".join(body["errors"].get(field, [])), body
    assert _counts() == counts
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize(
    "wrong", ["nik", "kk_number", "birth_date"], ids=["nik", "kk", "birth date"]
)
def test_identity_that_does_not_match_the_registry_gets_one_answer_for_all_three(
    wrong, client, serang_key, household
):
    other = make_household()
    body = submission(household=household)
    body["applicant"][wrong] = {
        "nik": other["head"].nik,
        "kk_number": other["family"].kk_number,
        "birth_date": "1985-03-15",
    }[wrong]
    counts = _counts()

    response = post_json(client, SUBMIT_URL, body, **bearer(serang_key))

    assert response.status_code == 404
    assert response.json() == {
        "detail": "Data pemohon tidak ditemukan. Periksa NIK, nomor KK dan tanggal lahir.",
        "errors": {},
    }
    assert _counts() == counts


def test_an_integration_of_another_regency_gets_the_same_404(client, tangerang_key, household):
    counts = _counts()
    response = post_json(
        client, SUBMIT_URL, submission(household=household), **bearer(tangerang_key)
    )
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Data pemohon tidak ditemukan")
    assert _counts() == counts


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer dkc_00000000_nope"}, {"X-API-Key": "rubbish"}],
    ids=["none", "unknown key", "malformed key"],
)
def test_without_a_valid_key_or_session_the_answer_is_401(client, household, headers):
    response = post_json(client, SUBMIT_URL, submission(household=household), **headers)
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}
    assert Application.objects.count() == 0


def test_a_revoked_key_or_a_wrong_secret_is_refused(client, serang_key, household):
    from dukcapil.api.keys import revoke_api_key

    wrong_secret = serang_key.key[:-4] + "AAAA"
    body = submission(household=household)
    assert (
        post_json(client, SUBMIT_URL, body, Authorization=f"Bearer {wrong_secret}").status_code
        == 401
    )
    revoke_api_key(api_key=serang_key.api_key)
    assert post_json(client, SUBMIT_URL, body, **bearer(serang_key)).status_code == 401
    assert Application.objects.count() == 0


def test_errors_are_in_english_with_accept_language_en(client, serang_key, household):
    other = make_household()
    body = submission(household=household)
    body["applicant"]["nik"] = other["head"].nik
    response = post_json(
        client, SUBMIT_URL, body, **bearer(serang_key), **{"Accept-Language": "en"}
    )
    assert response.status_code == 404
    assert response.json()["detail"] == (
        "No applicant found with these details. Check the NIK, KK number and birth date."
    )


def test_a_kecamatan_operator_submits_with_a_verified_session_and_csrf_token(
    staff_client, operator, household
):
    client = staff_client(operator, enforce_csrf=True)
    body = submission(household=household, consent_recorded=True)

    refused = post_json(client, SUBMIT_URL, body)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert Application.objects.count() == 0

    client.get("/api/docs")  # any page rendering the token sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = post_json(client, SUBMIT_URL, body, **{"X-CSRFToken": token})

    assert response.status_code == 201, response.json()
    app = Application.objects.get()
    assert (app.channel, app.operator, app.applicant_relation) == ("operator", operator, "operator")
    assert app.consent_recorded


def test_an_operator_of_another_kecamatan_gets_404(staff_client, household):
    from dukcapil.accounts.models import Role
    from dukcapil.applications.testing import make_staff

    elsewhere = make_staff(Role.KECAMATAN_OPERATOR, regency="36.73", kecamatan="36.73.02")
    response = post_json(staff_client(elsewhere), SUBMIT_URL, submission(household=household))
    assert response.status_code == 404
    assert Application.objects.count() == 0


def test_a_verifier_cannot_submit(staff_client, verifier, household):
    response = post_json(staff_client(verifier), SUBMIT_URL, submission(household=household))
    assert response.status_code == 403
    assert Application.objects.count() == 0


def test_a_session_without_the_second_factor_is_not_enough(client, operator, household):
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")
    response = post_json(client, SUBMIT_URL, submission(household=household))
    assert response.status_code == 401


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, serang_key):
    response = client.post(
        SUBMIT_URL, "{}", content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {serang_key.key}", CONTENT_LENGTH=str(33 * 1024 * 1024),
    )  # fmt: skip
    assert response.status_code == 413
    assert set(response.json()) == {"detail", "errors"}


def test_a_file_of_three_megabytes_passes_the_site_wide_body_limit(client, serang_key, household):
    """Django refuses bodies over 2.5 MB site-wide; a submission may carry several 5 MB files."""
    big_pdf = PDF + b"0" * (3 * 1024 * 1024)
    body = submission(household=household)
    body["attachments"]["ktp_kepala"] = {"content_base64": b64(big_pdf), "filename": "ktp.pdf"}
    response = post_json(client, SUBMIT_URL, body, **bearer(serang_key))
    assert response.status_code == 201, response.json()
    app = Application.objects.get()
    assert app.attachments.get(requirement_code="ktp_kepala").size == len(big_pdf)


def test_submitting_for_a_family_member_service(client, serang_key, household):
    """AKTA_LAHIR is applied for by a family member (a parent), with the newborn's data."""
    body = submission("AKTA_LAHIR", household=household)
    response = post_json(client, SUBMIT_URL, body, **bearer(serang_key))
    assert response.status_code == 201, response.json()
    assert Application.objects.get().form_data["anak"]["name"] == "Putri Ayu Lestari"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_retries_with_one_idempotency_key_create_one_application(serang_key, household):
    import threading

    from django.db import connection, connections
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL")
    body = submission(household=household)
    headers = {**bearer(serang_key), "Idempotency-Key": "race-1"}
    answers: list[tuple[int, str]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def send() -> None:
        try:
            barrier.wait()
            response = post_json(Client(), SUBMIT_URL, body, **headers)
            answers.append((response.status_code, response.json().get("tracking_number", "")))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert Application.objects.count() == 1
    number = Application.objects.get().tracking_number
    assert answers == [(201, number)] * 6
    assert IdempotencyRecord.objects.count() == 1


def test_a_body_that_is_not_json_is_a_400_with_the_error_shape(client, serang_key):
    response = client.post(
        SUBMIT_URL, "{not json", content_type="application/json", headers=bearer(serang_key)
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Isi permintaan bukan JSON yang sah.", "errors": {}}
