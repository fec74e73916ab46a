import json
import time

import httpx
import pytest

from dukcapil.whatsapp import messages
from dukcapil.whatsapp.client import CloudApiClient, GraphError, RateLimiter
from dukcapil.whatsapp.messages import Row
from dukcapil.whatsapp.models import ApiCall
from dukcapil.whatsapp.testing import FIXTURES, fake_control, fake_messages

pytestmark = pytest.mark.django_db
TO = "+6281200000001"


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


def test_message_bodies_have_the_shapes_of_the_fixtures():
    assert messages.text(TO, fixture("send_text_request.json")["text"]["body"]) == fixture(
        "send_text_request.json")  # fmt: skip
    expected = fixture("send_interactive_buttons_request.json")
    built = messages.buttons(
        TO, expected["interactive"]["body"]["text"],
        [Row("delivery_pos", "Kirim via Pos"), Row("delivery_pickup", "Ambil di kantor"),
         Row("delivery_later", "Nanti saja")],
        header="Dokumen siap", footer="Disdukcapil (contoh)",
    )  # fmt: skip
    assert built == expected
    template = fixture("send_template_request.json")
    assert (
        messages.template(
            TO,
            "status_permohonan",
            "id",
            ["Siti Rahmawati", "AKL-2026-000123", "dikirim melalui Pos Indonesia"],
        )
        == template
    )


def test_interactive_limits_are_kept():
    with pytest.raises(ValueError):
        messages.buttons(TO, "x", [Row(str(i), f"Pilihan {i}") for i in range(4)])
    with pytest.raises(ValueError):
        messages.buttons(TO, "x", [Row("a", "Sama"), Row("b", "Sama")])
    with pytest.raises(ValueError):
        messages.list_message(TO, "x", [Row(str(i), "r") for i in range(11)], button="Pilih")
    long = messages.buttons(TO, "b" * 2000, [Row("a", "Judul yang sangat panjang sekali")])
    title = long["interactive"]["action"]["buttons"][0]["reply"]["title"]
    assert len(title) == 20 and title.endswith("…")
    assert len(long["interactive"]["body"]["text"]) == 1024
    row = messages.list_message(TO, "x", [Row("a" * 300, "t" * 30, "d" * 100)], button="b" * 30)
    action = row["interactive"]["action"]
    assert len(action["button"]) == 20
    r = action["sections"][0]["rows"][0]
    assert (len(r["id"]), len(r["title"]), len(r["description"])) == (200, 24, 72)


@pytest.mark.parametrize("count", [1, 9, 10, 11, 13, 25, 40])
def test_long_lists_are_paged_with_at_most_ten_rows_and_nothing_lost(count):
    rows = [Row(f"svc_{i}", f"Layanan {i}") for i in range(count)]
    seen, page, pages = [], 0, 0
    while True:
        shown = messages.list_pages(rows, page=page, more=Row("page_", "Berikutnya"),
                                    back=Row("page_", "Sebelumnya"))  # fmt: skip
        assert 1 <= len(shown) <= 10
        seen += [r.id for r in shown if r.id.startswith("svc_")]
        pages += 1
        following = [r.id for r in shown if r.title == "Berikutnya"]
        if not following:
            break
        page = int(following[0].removeprefix("page_"))
    assert seen == [r.id for r in rows]
    assert pages == (1 if count <= 10 else 1 + -(-(count - 9) // 8))


def test_the_client_speaks_the_graph_api_to_the_fake_over_http(fake_graph):
    client = CloudApiClient()
    wamid = client.send_text(TO, "Halo")
    client.send_buttons(TO, "Pilih", [Row("ya", "Ya"), Row("tidak", "Tidak")])
    client.send_list(TO, "Menu", [Row("svc_1", "KTP")], button="Pilih layanan")
    client.send_template(TO, "status_submitted", "id", ["A-1", "KTP", "Diajukan"])
    client.send_document(TO, b"%PDF-1.4 test", filename="akta.pdf", caption="Akta Anda")
    sent = fake_messages(fake_graph.url, to="6281200000001")
    assert sent[0]["id"] == wamid
    assert [m["payload"]["type"] for m in sent] == [
        "text", "interactive", "interactive", "template", "document"]  # fmt: skip
    media_id = sent[4]["payload"]["document"]["id"]
    assert fake_graph.media[media_id][0] == b"%PDF-1.4 test"
    calls = list(ApiCall.objects.values_list("method", "path", "status_code"))
    assert ("POST", "/v25.0/100000000000001/messages", 200) in calls
    assert ("POST", "/v25.0/100000000000001/media", 200) in calls
    assert len(calls) == 6


def test_a_wrong_token_is_a_permanent_error_and_the_token_is_never_recorded(fake_graph):
    client = CloudApiClient(token="wrong-secret-token")
    with pytest.raises(GraphError) as caught:
        client.send_text(TO, "Halo")
    assert caught.value.code == 190
    assert caught.value.permanent
    call = ApiCall.objects.get()
    assert (call.status_code, call.error_code) == (401, 190)
    assert "wrong-secret-token" not in f"{call.path} {call.error}"


def test_throttling_and_server_errors_are_retried(fake_graph):
    fake_control(fake_graph.url, "fail", {"code": 130429, "http_status": 400, "times": 1})
    fake_control(fake_graph.url, "fail", {"code": 1, "http_status": 503, "times": 1})
    client = CloudApiClient(retries=2, backoff=0.01)
    assert client.send_text(TO, "Halo").startswith("wamid.")
    assert list(ApiCall.objects.order_by("id").values_list("error_code", flat=True)) == [
        130429, 1, None]  # fmt: skip
    fake_control(fake_graph.url, "fail", {"code": 131026, "times": 1})
    with pytest.raises(GraphError) as caught:
        client.send_text(TO, "Halo")
    assert caught.value.permanent and caught.value.code == 131026
    assert len(fake_messages(fake_graph.url)) == 1


def test_the_fake_refuses_what_meta_refuses(fake_graph):
    too_many = messages.buttons(TO, "x", [Row("a", "A"), Row("b", "B"), Row("c", "C")])
    too_many["interactive"]["action"]["buttons"].append(
        {"type": "reply", "reply": {"id": "d", "title": "D"}}
    )  # noqa: E501
    with pytest.raises(GraphError) as caught:
        CloudApiClient().send(too_many)
    assert caught.value.code == 131009


def test_media_is_downloaded_by_id_with_the_token(fake_graph):
    media_id = fake_graph.add_media(b"\xff\xd8\xff\xe0photo", "image/jpeg")
    media = CloudApiClient().download_media(media_id)
    assert media.content == b"\xff\xd8\xff\xe0photo"
    assert media.mime_type == "image/jpeg"
    info = httpx.get(f"{fake_graph.url}/v25.0/{media_id}",
                     headers={"Authorization": "Bearer test-token"}).json()  # fmt: skip
    assert httpx.get(info["url"]).status_code == 401  # without the token the download fails
    assert [c.path for c in ApiCall.objects.order_by("id")] == [
        f"/v25.0/{media_id}", f"/_media/{media_id}"]  # the signed query is not logged  # fmt: skip
    with pytest.raises(GraphError):
        CloudApiClient().download_media("12345")


def test_sends_are_spaced_to_the_numbers_throughput():
    limiter = RateLimiter(200)
    started = time.monotonic()
    for _ in range(41):
        limiter.acquire()
    assert time.monotonic() - started >= 0.19


def test_sending_slots_are_shared_by_every_process_and_never_overlap(settings):
    from dukcapil.whatsapp.throughput import reserve

    first = reserve(10, rate=100)
    second = reserve(5, rate=100)  # another worker, the same number
    assert second >= first + 10 / 100 - 1e-6
    other_number = reserve(5, rate=100, phone_number_id="100000000000002")
    assert other_number < second


def test_dispatch_keeps_the_numbers_throughput(fake_graph, settings):
    from dukcapil.applications.testing import make_application
    from dukcapil.notifications import dispatch
    from dukcapil.notifications.models import Notification

    settings.WHATSAPP_RECIPIENT_SPACING_MS = 0
    settings.WHATSAPP_MESSAGES_PER_SECOND = 50
    for _ in range(11):
        make_application()
    for i, pk in enumerate(Notification.objects.values_list("pk", flat=True)):
        Notification.objects.filter(pk=pk).update(recipient=f"62811{i:08d}")
    started = time.monotonic()
    assert dispatch.dispatch_pending(concurrency=8) == {"sent": 11}
    assert time.monotonic() - started >= 10 / 50  # 11 messages: 10 intervals of 20 ms
