"""Text the system could not keep: a NUL character anywhere in a request (PostgreSQL refuses it
in text and in JSON) and a phone that is not a phone number are refused with a message that
names the field, never a 500, and nothing is written."""

from __future__ import annotations

import pytest

from dukcapil.api.testing import SUBMIT_URL, bearer, post_json, submission
from dukcapil.applications.models import Application

pytestmark = pytest.mark.django_db

NUL = "\x00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: {**b, "phone": f"0812{NUL}"}, "phone"),
        (lambda b: {**b, "service": f"KK_HILANG{NUL}"}, "service"),
        (lambda b: {**b, "declarations": ["pernyataan", f"x{NUL}"]}, "declarations.1"),
        (lambda b: {**b, "form_data": {"catatan": f"a{NUL}b"}}, "form_data.catatan"),
        (lambda b: {**b, "delivery": {"method": "post", "address": {"address": f"Jl.{NUL}"}}},
         "delivery.address.address"),
        (lambda b: {**b, "attachments": {**b["attachments"], "ktp_kepala": {
            **b["attachments"]["ktp_kepala"], "filename": f"ktp{NUL}.png"}}},
         "attachments.ktp_kepala.filename"),
        (lambda b: {**b, "attachments": {f"ktp{NUL}": b["attachments"]["ktp_kepala"]}},
         "attachments.ktp\\0"),
        (lambda b: {**b, "applicant": {**b["applicant"], "nik": f"{NUL}3673"}}, "applicant.nik"),
    ],
    ids=["phone", "service", "declaration", "form field", "address", "file name", "file key",
         "nik"],
)  # fmt: skip
def test_a_nul_character_is_refused_where_it_is(change, field, client, serang_key, household):
    before = Application.objects.count()
    response = post_json(client, SUBMIT_URL, change(submission(household=household)),
                         **bearer(serang_key))  # fmt: skip
    assert response.status_code == 422, response.content[:500]
    assert response.json()["errors"] == {field: ["Teks tidak boleh berisi karakter NUL."]}
    assert Application.objects.count() == before


def test_a_phone_is_kept_as_e164_digits_and_a_non_number_is_refused(client, serang_key, household):
    response = post_json(client, SUBMIT_URL, submission(household=household, phone="abc"),
                         **bearer(serang_key))  # fmt: skip
    assert response.status_code == 400
    assert "phone" in response.json()["errors"]

    response = post_json(
        client, SUBMIT_URL, submission(household=household, phone="0812-3456 7890"),
        **bearer(serang_key),
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    app = Application.objects.get(tracking_number=response.json()["tracking_number"])
    assert app.applicant_phone == "6281234567890"
