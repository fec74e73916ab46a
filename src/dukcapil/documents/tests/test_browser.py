"""A signing official signs a batch in Chromium after re-entering the authenticator code; then
anyone opens the document's verification page and checks the downloaded PDF."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from dukcapil.accounts.testing import TEST_PASSWORD, totp_device
from dukcapil.accounts.totp import unused_code
from dukcapil.applications.models import Status
from dukcapil.documents.models import IssuedDocument
from dukcapil.documents.testing import approved_application

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_official_signs_a_batch_and_anyone_verifies_the_document(
    browser_page, signing_official
):
    page = browser_page
    app = approved_application("KK_HILANG")
    batch = reverse("documents:batch")
    page.goto(f"{reverse('accounts:login')}?next={batch}")
    page.fill("#id_username", signing_official.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.fill("#id_otp_token", unused_code(totp_device(signing_official)))
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(lambda url: urlsplit(url).path == batch)
    assert page.get_by_text(app.tracking_display).is_visible()
    page.fill("#kode", unused_code(totp_device(signing_official)))
    page.click("button.primary")
    page.wait_for_selector("text=ditandatangani dan diterbitkan")
    app.refresh_from_db()
    assert app.status == Status.ISSUED

    kk = IssuedDocument.objects.get(application=app, document_type="kk")
    page.goto(reverse("documents:verify", args=[kk.verification_code]))
    assert page.get_by_text("Dokumen asli dan berlaku.").is_visible()
    with kk.pdf.open("rb") as f:
        pdf = f.read()
    page.set_input_files("#berkas", {"name": "kk.pdf", "mimeType": "application/pdf",
                                     "buffer": pdf})  # fmt: skip
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("text=Berkas asli")
