import pytest
from django.utils import timezone

from dukcapil.applications.testing import make_household
from dukcapil.whatsapp.models import Conversation, OutboundMessage
from dukcapil.whatsapp.testing import fake_messages, run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting():
    """A verified citizen of Kecamatan Serang (36.73.01) waiting for an officer."""
    head = make_household()["head"]
    return Conversation.objects.create(
        wa_id="6281200000777", resident=head, verified_at=timezone.now(),
        kecamatan=head.family.desa.kecamatan, state="human",
        handover_requested_at=timezone.now(),
    )  # fmt: skip


def test_the_operator_sees_the_citizens_of_their_kecamatan_and_replies_on_whatsapp(
    client_as, kecamatan_operator, waiting, fake_graph
):
    client = client_as(kecamatan_operator)
    page = client.get("/kantor/whatsapp/")
    assert page.status_code == 200
    assert waiting.resident.name in page.content.decode()
    url = f"/kantor/whatsapp/{waiting.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": "Selamat siang, KTP Anda sedang kami cek."})
    assert response.status_code == 302
    reply = OutboundMessage.objects.get()
    assert reply.sent_by == kecamatan_operator
    run_tasks()
    (sent,) = fake_messages(fake_graph.url, to="6281200000777")
    assert sent["payload"]["text"]["body"] == "Selamat siang, KTP Anda sedang kami cek."
    assert "KTP Anda sedang kami cek" in client.get(url).content.decode()
    assert client.post(url, {"text": "   "}).status_code == 400

    assert client.post(f"/kantor/whatsapp/{waiting.pk}/selesai").status_code == 302
    waiting.refresh_from_db()
    assert (waiting.state, waiting.handover_requested_at) == ("idle", None)
    assert waiting.resident.name not in client.get("/kantor/whatsapp/").content.decode()


def test_other_jurisdictions_and_roles_see_nothing(
    client_as, other_regency_verifier, province_monitor, waiting
):
    client = client_as(other_regency_verifier)
    assert waiting.resident.name not in client.get("/kantor/whatsapp/").content.decode()
    assert client.get(f"/kantor/whatsapp/{waiting.pk}/").status_code == 404
    assert client.post(f"/kantor/whatsapp/{waiting.pk}/", {"text": "x"}).status_code == 404
    client.logout()
    assert client_as(province_monitor).get("/kantor/whatsapp/").status_code == 403


def test_the_inbox_needs_a_verified_staff_session(client, waiting):
    response = client.get("/kantor/whatsapp/")
    assert response.status_code == 302 and "/staf/" in response["Location"]


def test_an_unverified_citizen_is_answered_by_province_staff(client_as, administrator):
    Conversation.objects.create(wa_id="6281200000888", profile_name="Tanpa Nama", state="human",
                                handover_requested_at=timezone.now())  # fmt: skip
    assert "Tanpa Nama" in client_as(administrator).get("/kantor/whatsapp/").content.decode()
