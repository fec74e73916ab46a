"""Journeys in Debian's Chromium (Playwright): a citizen applies for a birth certificate with
JavaScript off and follows it; a citizen answers a revision request; an operator applies for a
citizen and prints the receipt. Screenshots are saved in var/artifacts/."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from dukcapil.accounts.testing import login_verified
from dukcapil.applications import workflow
from dukcapil.applications.models import Application, Status
from dukcapil.applications.testing import PDF, PNG, make_application, make_household, verifier_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTIFACT_DIR = Path(__file__).resolve().parents[4] / "var" / "artifacts"


def screenshot(page, name: str) -> None:
    ARTIFACT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACT_DIR / f"portal-{name}.png"), full_page=True)


def png_file(name: str) -> dict:
    return {"name": name, "mimeType": "image/png", "buffer": PNG}


def pass_identity(page, resident) -> None:
    page.fill("#id_nik", resident.nik)
    page.fill("#id_kk_number", resident.family.kk_number)
    page.fill("#id_birth_date", resident.birth_date.isoformat())
    page.click("button[type=submit]")


def test_a_citizen_applies_for_a_birth_certificate_without_javascript_and_follows_it(
    browser_page_without_js, live_server
):
    page = browser_page_without_js
    household = make_household()
    head, wife = household["head"], household["wife"]
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))

    page.goto("/")
    page.click("#layanan-AKTA_LAHIR a.button")
    assert "/cek-identitas/" in page.url
    pass_identity(page, head)
    assert page.url.endswith("/ajukan/AKTA_LAHIR/")

    page.fill("#f-anak__name", "Putri Ayu Lestari")
    page.check("input[name=anak__sex][value=P]")
    page.fill("#f-anak__birth_place", "Serang")
    page.fill("#f-anak__birth_date", "2026-11-20")
    page.fill("#f-anak__father_name", head.name)
    page.fill("#f-anak__mother_name", wife.name)
    page.set_input_files("#u-surat_kelahiran", png_file("surat.png"))
    page.set_input_files("#u-bukti_nikah", {"name": "nikah.pdf", "mimeType": "application/pdf",
                                            "buffer": PDF})  # fmt: skip
    page.set_input_files("#u-formulir_f201", png_file("f201.png"))
    page.check("#d-pernyataan")
    page.check("#privacy")
    page.check("input[name=delivery][value=post_family]")
    screenshot(page, "apply-form")
    page.click("button[name=action][value=submit]")

    app = Application.objects.get()
    assert app.status == Status.SUBMITTED
    assert page.url.endswith(f"/permohonan/{app.tracking_number}/tanda-terima/")
    assert page.locator(".tracking").inner_text().strip() == app.tracking_display
    assert page.locator("figure.qr svg").count() == 1
    screenshot(page, "receipt")
    with page.expect_download() as download:
        page.click("text=Unduh tanda terima (PDF)")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")

    # Following it later, from another visit: tracking number and birth date.
    page.context.clear_cookies()
    page.goto("/status/")
    page.fill("#id_number", app.tracking_display)
    page.fill("#id_birth_date", head.birth_date.isoformat())
    page.click("button[type=submit]")
    assert "Diajukan" in page.locator(".status").inner_text()
    assert page.get_by_text("Permohonan diterima dan menunggu diperiksa petugas.").is_visible()
    screenshot(page, "status")
    assert hosts == {urlsplit(live_server.url).netloc}


def test_a_citizen_answers_a_revision_request_in_place(browser_page_without_js):
    page = browser_page_without_js
    app = make_application("KK_HILANG")
    verifier = verifier_of()
    workflow.claim(application=app, actor=verifier)
    workflow.request_revision(
        application=app, actor=verifier,
        reasons=[{"requirement": "ktp_kepala", "reason": "unreadable", "note": "Foto buram"}],
    )  # fmt: skip

    page.goto(f"/status/?nomor={app.tracking_display}")
    assert page.input_value("#id_number") == app.tracking_display
    page.fill("#id_birth_date", app.applicant.birth_date.isoformat())
    page.click("button[type=submit]")
    assert page.get_by_text("Foto buram").is_visible()
    screenshot(page, "revision-asked")

    # A renamed executable is refused with what to do, and nothing is lost.
    page.set_input_files("#u-ktp_kepala", {"name": "ktp.png", "mimeType": "image/png",
                                           "buffer": b"MZ\x90\x00" * 50})  # fmt: skip
    page.click("button[name=action][value=submit]")
    assert page.get_by_text("Berkas harus JPEG, PNG atau PDF").first.is_visible()
    page.set_input_files("#u-ktp_kepala", png_file("ktp-baru.png"))
    page.click("button[name=action][value=submit]")
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED
    assert page.get_by_text("Perbaikan Anda diterima dan menunggu diperiksa lagi.").is_visible()
    screenshot(page, "revision-answered")


def test_an_operator_applies_for_a_citizen_and_prints_the_receipt(
    browser_page, live_server, kecamatan_operator
):
    page = browser_page
    head = make_household("36.73.01.1001")["head"]
    client = Client()
    login_verified(client, kecamatan_operator)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "url": live_server.url,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            }
        ]
    )

    page.goto("/kantor/operator/")
    page.fill("#id_nik", head.nik)
    page.click("button:has-text('Cari')")
    page.click(f"text={head.name}")
    page.locator("li.card", has_text="Kartu Keluarga hilang").locator("button").click()
    page.set_input_files("#u-laporan_kehilangan", png_file("laporan.png"))
    page.set_input_files("#u-ktp_kepala", png_file("ktp.png"))
    page.check("#d-pernyataan")
    page.check("#privacy")
    page.check("input[name=delivery][value=pickup]")
    page.check("#consent")
    screenshot(page, "operator-form")
    page.click("button[name=action][value=submit]")

    app = Application.objects.get()
    assert (app.status, app.channel, app.consent_recorded) == (Status.SUBMITTED, "operator", True)
    assert app.operator == kecamatan_operator
    assert page.locator(".tracking").inner_text().strip() == app.tracking_display
    screenshot(page, "operator-receipt")
    for link in ("Cetak tanda terima (A5)", "Cetak di printer struk (80 mm)"):
        href = page.get_by_text(link).get_attribute("href")
        pdf = page.request.get(href)
        assert pdf.status == 200
        assert pdf.body().startswith(b"%PDF-")
