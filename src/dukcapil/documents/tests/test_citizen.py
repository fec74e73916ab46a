import hashlib

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from dukcapil.applications.testing import make_household
from dukcapil.documents.models import DocumentEvent, DocumentStatus, IssuedDocument
from dukcapil.documents.rendering import Issue, render
from dukcapil.documents.selectors import documents_for_application
from dukcapil.documents.testing import issued_application
from dukcapil.documents.tests.samples import SAMPLES

pytestmark = pytest.mark.django_db


def test_the_citizen_downloads_each_signed_document_through_a_short_lived_link(
    client, signing_official
):
    app = issued_application("AKTA_LAHIR", signing_official)
    documents = documents_for_application(app)
    assert [d.document.document_type for d in documents] == ["akta_kelahiran", "kk", "receipt"]
    for d in documents:
        response = client.get(d.download_url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        body = b"".join(response.streaming_content)
        assert hashlib.sha256(body).hexdigest() == d.document.pdf_sha256
    assert DocumentEvent.objects.filter(action="downloaded").count() == 3


def test_an_expired_or_forged_link_gives_nothing(client, signing_official, settings):
    app = issued_application("KK_HILANG", signing_official)
    (first, *_rest) = documents_for_application(app)
    settings.DOCUMENTS_DOWNLOAD_LINK_SECONDS = -1
    assert client.get(first.download_url).status_code == 410
    settings.DOCUMENTS_DOWNLOAD_LINK_SECONDS = 600
    forged = reverse("documents:download", args=[f"{first.document.pk + 1}:abc:def"])
    assert client.get(forged).status_code == 410


def test_the_status_page_partial_lists_the_documents_with_their_links(signing_official):
    app = issued_application("KK_HILANG", signing_official)
    html = render_to_string("documents/_citizen_documents.html", {"application": app})
    assert "Kartu Keluarga" in html and "Unduh PDF" in html
    assert html.count("/dokumen/unduh/") == 2


def test_rendering_is_deterministic():
    issue = Issue(
        number="X-1",
        issued_on="1 Januari 2026",
        verification_url="http://x/verifikasi/abc/",
        signer_name="Pejabat Contoh",
    )
    for content in SAMPLES.values():
        assert render(content, issue) == render(content, issue)


def test_reprinting_an_unchanged_kk_gives_the_stored_document(signing_official):
    household = make_household()
    first = issued_application("KK_HILANG", signing_official, household=household)
    again = issued_application("KK_HILANG", signing_official, household=household)
    kk_first = IssuedDocument.objects.get(application=first, document_type="kk")
    (kk_again,) = [d.document for d in documents_for_application(again)
                   if d.document.document_type == "kk"]  # fmt: skip
    assert kk_again.pk == kk_first.pk  # same number, same file, same signature
    assert kk_again.status == DocumentStatus.VALID
    assert IssuedDocument.objects.filter(document_type="kk", subject_key=kk_first.subject_key
                                         ).count() == 1  # fmt: skip


def test_the_files_for_whatsapp_are_the_signed_pdfs(signing_official):
    from dukcapil.documents.selectors import document_files

    app = issued_application("KK_HILANG", signing_official)
    files = document_files(app)
    assert [f.filename.split("-")[0] for f in files] == ["kk", "receipt"]
    stored = {d.pdf_sha256 for d in IssuedDocument.objects.filter(application=app)}
    assert {hashlib.sha256(f.content).hexdigest() for f in files} == stored
