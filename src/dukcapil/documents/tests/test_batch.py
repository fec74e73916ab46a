import pytest
from django.urls import reverse

from dukcapil.accounts.testing import login_with_totp, totp_device
from dukcapil.accounts.totp import unused_code
from dukcapil.applications.models import Status
from dukcapil.documents.models import DocumentEvent, DocumentStatus, IssuedDocument
from dukcapil.documents.testing import approved_application

pytestmark = pytest.mark.django_db
BATCH = reverse("documents:batch")


@pytest.fixture
def official_client(client, signing_official):
    assert login_with_totp(client, signing_official).status_code == 302
    return client


def test_the_batch_lists_approved_applications_of_the_jurisdiction_with_previews(
    official_client, signing_official
):
    mine = approved_application("AKTA_LAHIR")
    page = official_client.get(BATCH).content.decode()
    assert mine.tracking_display in page
    draft = IssuedDocument.objects.filter(application=mine).first()
    preview = official_client.get(reverse("documents:preview", args=[draft.pk]))
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    assert b"/ByteRange" not in preview.content  # a preview is not signed


def test_signing_many_at_once_after_reentering_the_authenticator_code(
    official_client, signing_official
):
    apps = [approved_application("KK_HILANG"), approved_application("AKTA_KAWIN")]
    response = official_client.post(BATCH, {
        "permohonan": [a.pk for a in apps],
        "kode": unused_code(totp_device(signing_official)),
    })  # fmt: skip
    assert response.status_code == 302
    for app in apps:
        app.refresh_from_db()
        assert app.status == Status.ISSUED
        assert app.events.last().actor == signing_official
        documents = IssuedDocument.objects.filter(application=app)
        assert documents and all(d.status == DocumentStatus.VALID for d in documents)
        assert all(d.pdf and d.number for d in documents)
    assert (
        DocumentEvent.objects.filter(action="signed", actor=signing_official).count() == 5
    )  # 2 + 3


def test_a_wrong_code_signs_nothing(official_client, signing_official):
    app = approved_application("KK_HILANG")
    response = official_client.post(BATCH, {"permohonan": [app.pk], "kode": "000000"})
    assert response.status_code == 400
    assert "Kode autentikator salah" in response.content.decode()
    app.refresh_from_db()
    assert app.status == Status.APPROVED
    assert not IssuedDocument.objects.filter(application=app).exclude(number=None).exists()


def test_a_code_cannot_be_replayed_for_a_second_batch(official_client, signing_official):
    first, second = approved_application("KK_HILANG"), approved_application("KK_HILANG")
    code = unused_code(totp_device(signing_official))
    official_client.post(BATCH, {"permohonan": [first.pk], "kode": code})
    response = official_client.post(BATCH, {"permohonan": [second.pk], "kode": code})
    assert response.status_code == 400
    second.refresh_from_db()
    assert second.status == Status.APPROVED


def test_other_roles_and_other_regencies_cannot_sign(client_as, verifier, signing_official):
    app = approved_application("KK_HILANG")
    assert client_as(verifier).get(BATCH).status_code == 403
    from dukcapil.accounts.models import Role
    from dukcapil.accounts.testing import make_staff

    other = make_staff(Role.SIGNING_OFFICIAL, regency="36.03", username="tte.kabtangerang")
    page = client_as(other).get(BATCH).content.decode()
    assert app.tracking_display not in page
    draft = IssuedDocument.objects.filter(application=app).first()
    assert client_as(other).get(reverse("documents:preview", args=[draft.pk])).status_code == 404


def test_a_signing_that_fails_leaves_no_number_and_no_file(signing_official, monkeypatch):
    import os

    from django.core.files.storage import default_storage

    from dukcapil.applications import workflow
    from dukcapil.applications.actors import Actor
    from dukcapil.documents.services import sign_application

    app = approved_application("AKTA_LAHIR")

    def broken_issue(**kw):
        raise RuntimeError("registry down")

    monkeypatch.setattr(workflow, "issue", broken_issue)
    with pytest.raises(RuntimeError):
        sign_application(application=app, actor=Actor.staff(signing_official))
    drafts = IssuedDocument.objects.filter(application=app)
    assert drafts.count() == 3 and not drafts.exclude(number=None).exists()
    root = default_storage.path("documents")
    stored = [f for _dir, _subdirs, files in os.walk(root) for f in files]
    assert not any(f.startswith(d.verification_code) for d in drafts for f in stored)
