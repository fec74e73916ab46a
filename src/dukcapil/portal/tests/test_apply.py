"""Applying on the web: the form generated from the catalogue, uploads, privacy, delivery."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dukcapil.applications.models import Application, DeliveryMethod, Status
from dukcapil.applications.testing import PDF, PNG
from dukcapil.portal.tests.conftest import identity_answers

pytestmark = pytest.mark.django_db


def png(name="ktp.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def kk_hilang_post(**extra):
    return {
        "declaration__pernyataan": "1", "privacy": "1", "delivery": "pickup",
        "laporan_kehilangan": png("laporan.png"),
        "ktp_kepala": SimpleUploadedFile("ktp.pdf", PDF, content_type="application/pdf"),
        "action": "submit", **extra,
    }  # fmt: skip


def test_the_home_page_lists_services_with_requirements_and_duration(client):
    page = client.get("/").content.decode()
    assert "Kartu Keluarga" in page
    assert "hari kerja" in page
    assert "Yang perlu disiapkan" in page
    assert 'href="/ajukan/AKTA_LAHIR/"' in page


def test_applying_needs_the_identity_check_first(client):
    response = client.get(reverse("portal:apply", args=["KK_HILANG"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:identity") + "?next=")


def test_a_wrong_identity_answer_says_nothing_about_which_field(client, household):
    answers = {**identity_answers(household["head"]), "birth_date": "1999-01-01"}
    response = client.post(reverse("portal:identity"), answers)
    assert response.status_code == 400
    assert "Periksa lagi NIK, nomor KK dan tanggal lahir" in response.content.decode()


def test_a_citizen_applies_and_gets_a_receipt(citizen, household):
    form = citizen.get(reverse("portal:apply", args=["KK_HILANG"]))
    assert form.status_code == 200
    assert Application.objects.count() == 0  # a visit writes nothing

    response = citizen.post(reverse("portal:apply", args=["KK_HILANG"]), kk_hilang_post())

    app = Application.objects.get()
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("portal:receipt", args=[app.tracking_number])
    assert app.status == Status.SUBMITTED
    assert app.channel == "web"
    assert app.applicant == household["head"]
    assert app.privacy_acknowledged_at is not None
    assert app.delivery_method == DeliveryMethod.PICKUP
    assert app.attachments.count() == 2
    receipt = citizen.get(response["Location"]).content.decode()
    assert app.tracking_display in receipt
    assert "<svg" in receipt
    pdf = citizen.get(reverse("portal:receipt_pdf", args=[app.tracking_number]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_a_refused_upload_keeps_everything_else(citizen):
    post = kk_hilang_post(laporan_kehilangan=SimpleUploadedFile("virus.png", b"MZ\x90\x00" * 10))
    response = citizen.post(reverse("portal:apply", args=["KK_HILANG"]), post)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Berkas harus JPEG, PNG atau PDF" in page
    app = Application.objects.get()
    assert app.status == Status.DRAFT
    # The good file, the declaration and the privacy acknowledgement are kept.
    assert list(app.attachments.values_list("requirement_code", flat=True)) == ["ktp_kepala"]
    assert app.declarations.get("pernyataan")
    assert app.privacy_acknowledged_at is not None
    assert "Sudah diunggah" in page
    # Only the missing file is sent again.
    response = citizen.post(reverse("portal:draft", args=[app.tracking_number]),
                            {"laporan_kehilangan": png(), "action": "submit", "delivery": "pickup",
                             "privacy": "1", "declaration__pernyataan": "1"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED


def test_submitting_without_the_privacy_acknowledgement_is_refused(citizen):
    post = kk_hilang_post()
    del post["privacy"]
    response = citizen.post(reverse("portal:apply", args=["KK_HILANG"]), post)
    assert response.status_code == 400
    assert Application.objects.get().status == Status.DRAFT
    assert "privasi" in response.content.decode()


def test_a_birth_certificate_with_the_newborns_data_and_post_to_the_family(citizen, household):
    post = {
        "anak__name": "Putri Ayu Lestari", "anak__sex": "P", "anak__birth_place": "Serang",
        "anak__birth_date": "2026-11-20", "anak__father_name": household["head"].name,
        "anak__mother_name": household["wife"].name,
        "surat_kelahiran": png(), "bukti_nikah": png(), "formulir_f201": png(),
        "declaration__pernyataan": "1", "privacy": "1", "delivery": "post_family",
        "action": "submit",
    }  # fmt: skip
    response = citizen.post(reverse("portal:apply", args=["AKTA_LAHIR"]), post)
    assert response.status_code == 302, response.content.decode()[:3000]
    app = Application.objects.get()
    assert app.form_data["anak"]["name"] == "Putri Ayu Lestari"
    assert app.applicant_relation == "family_member"
    assert app.delivery_method == DeliveryMethod.POST
    assert app.delivery_address["desa"] == household["family"].desa_id


def test_post_to_another_address_needs_a_valid_address(citizen):
    address = {
        "delivery__desa": "36.73.01.1001",
        "delivery__rt": "0",
        "delivery__rw": "2",
        "delivery__address": "Jalan Kenari 3",
        "delivery__postal_code": "42111",
    }
    post = kk_hilang_post(delivery="post_other", **address)
    response = citizen.post(reverse("portal:apply", args=["KK_HILANG"]), post)
    assert response.status_code == 400
    page = response.content.decode()
    assert "RT harus berupa angka" in page
    assert 'value="Jalan Kenari 3"' in page  # what was typed is shown again
    response = citizen.post(
        reverse("portal:draft", args=[Application.objects.get().tracking_number]),
        {**address, "delivery": "post_other", "delivery__rt": "7", "action": "submit"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    app = Application.objects.get()
    assert app.delivery_address == {
        "desa": "36.73.01.1001",
        "rt": "007",
        "rw": "002",
        "address": "Jalan Kenari 3",
        "postal_code": "42111",
    }


def test_the_form_is_in_english_after_the_switch(citizen):
    citizen.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = citizen.get(reverse("portal:apply", args=["KK_HILANG"])).content.decode()
    assert "Lost family card" in page or "family card" in page.lower()
    assert 'lang="en"' in page


def test_every_input_has_a_label(citizen):
    import re

    for code in ("KK_HILANG", "AKTA_LAHIR", "PINDAH_DATANG", "KK_UBAH", "PINDAH_KELUAR"):
        page = citizen.get(reverse("portal:apply", args=[code])).content.decode()
        ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page)
        labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', page))
        unlabelled = [i for i in ids if i not in labelled]
        assert not unlabelled, (code, unlabelled)
        # Radios and checkboxes without id sit inside their <label>.
        for tag in re.findall(r"<input[^>]*>", page):
            if 'type="hidden"' in tag or "id=" in tag:
                continue
            assert re.search(r"<label[^>]*>\s*" + re.escape(tag), page), tag
