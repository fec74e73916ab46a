import json

import pytest

from dukcapil.whatsapp.models import (
    InboundMessage,
    OutboundMessage,
    StatusUpdate,
    WebhookDelivery,
)
from dukcapil.whatsapp.testing import (
    fixture_bytes,
    post_signed,
    run_tasks,
    status,
    text_message,
    webhook_body,
)
from dukcapil.whatsapp.webhook import sign

pytestmark = pytest.mark.django_db

# The README's test vectors (key "test_app_secret", the files' bytes exactly as stored).
VECTORS = {
    "text_message.json": "5b112dc8b84585c973a7cf5c58970c736ab3e983a158cba00ab0d809355ac522",
    "image_message.json": "07b40c5c53c14b69a9fa0c0d2acd5a0723cd66145b165c2d5d655f339b369ba8",
    "document_message.json": "ed0f5354df09ce8787929381669902574662ac93d8c66c1c1369feb68f09dced",
    "interactive_button_reply.json": "cf9b3646e9833700ea6fb0878a7e2a80088a1c5c415a06103d335c66d272d6d9",  # noqa: E501
    "interactive_list_reply.json": "07e5f39aba8deb4d61d84ef6ad60ba4f4472d3298312b6691fd551db77109840",  # noqa: E501
    "status_delivered.json": "2e66e9dffd933828672a4753dfeb973af71d54a1266ac3425fcc20693212a29e",
    "status_failed.json": "b6b1d644118648664117013c58b46421740055b228eeaf1e13cefd8974fc9b87",
}
RESERIALISED = "sha256=88a850b3bfd51ddd659a784b49861f092bd618ed5fb2cc8e4ff5745c71c4a6aa"


def test_the_handshake_echoes_the_challenge_only_for_our_verify_token(client):
    ok = client.get("/webhooks/whatsapp", {"hub.mode": "subscribe", "hub.challenge": "1158201444",
                                           "hub.verify_token": "verify-me"})  # fmt: skip
    assert ok.status_code == 200
    assert ok.content == b"1158201444"
    for params in (
        {"hub.mode": "subscribe", "hub.challenge": "1", "hub.verify_token": "wrong"},
        {"hub.mode": "unsubscribe", "hub.challenge": "1", "hub.verify_token": "verify-me"},
        {"hub.challenge": "1"},
    ):
        assert client.get("/webhooks/whatsapp", params).status_code == 403


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_every_fixture_is_accepted_with_its_signature_vector_and_processed(client, name, handled):
    body = fixture_bytes(name)
    assert sign(body, "test_app_secret") == "sha256=" + VECTORS[name]
    response = client.post("/webhooks/whatsapp", data=body, content_type="application/json",
                           HTTP_X_HUB_SIGNATURE_256="sha256=" + VECTORS[name])  # fmt: skip
    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert bytes(delivery.body) == body  # stored as signed, byte for byte
    assert run_tasks() == 1
    delivery.refresh_from_db()
    assert delivery.processed_at is not None
    assert delivery.error == ""
    payload = json.loads(body)
    value = payload["entry"][0]["changes"][0]["value"]
    assert InboundMessage.objects.count() == len(value.get("messages", []))
    assert StatusUpdate.objects.count() == len(value.get("statuses", []))
    assert handled == [m["id"] for m in value.get("messages", [])]


def test_the_re_serialised_payload_and_a_missing_or_wrong_signature_are_refused(client):
    body = fixture_bytes("text_message.json")
    reserialised = json.dumps(json.loads(body), indent=2, ensure_ascii=False).encode() + b"\n"
    assert sign(reserialised, "test_app_secret") == RESERIALISED
    refused = client.post("/webhooks/whatsapp", data=body, content_type="application/json",
                          HTTP_X_HUB_SIGNATURE_256=RESERIALISED)  # fmt: skip
    assert refused.status_code == 403
    missing = client.post("/webhooks/whatsapp", data=body, content_type="application/json")
    assert missing.status_code == 401
    other_key = post_signed(client, body, secret="not-the-secret")
    assert other_key.status_code == 403
    uppercase = client.post("/webhooks/whatsapp", data=body, content_type="application/json",
                            HTTP_X_HUB_SIGNATURE_256="sha256=" + VECTORS["text_message.json"].upper())  # noqa: E501  # fmt: skip
    assert uppercase.status_code == 403
    assert not WebhookDelivery.objects.exists()
    assert run_tasks() == 0


def test_no_secret_configured_refuses_everything(client, settings):
    settings.WHATSAPP_APP_SECRET = ""
    body = fixture_bytes("text_message.json")
    assert post_signed(client, body, secret="").status_code == 403
    assert not WebhookDelivery.objects.exists()


def test_a_message_delivered_twice_is_processed_once(client, handled):
    body = fixture_bytes("text_message.json")
    for _ in range(3):
        assert post_signed(client, body).status_code == 200
    assert run_tasks() == 3
    assert handled == ["wamid.TEST-IN-000000000001"]
    assert InboundMessage.objects.get().text.endswith("\U0001f64f")
    assert WebhookDelivery.objects.filter(processed_at__isnull=False, error="").count() == 3


def test_statuses_are_recorded_once_each_and_never_move_backwards(client):
    message = OutboundMessage.objects.create(to="6281200000001", kind="text", payload={},
                                             wamid="wamid.OUT-1", status="accepted")  # fmt: skip
    for name in ("delivered", "sent", "delivered", "read", "delivered", "failed"):
        post_signed(client, webhook_body(statuses=[status("wamid.OUT-1", name)]))
    run_tasks()
    message.refresh_from_db()
    assert message.status == "read"
    assert sorted(StatusUpdate.objects.values_list("status", flat=True)) == [
        "delivered", "failed", "read", "sent"]  # fmt: skip


def test_read_without_delivered_and_failed_after_sent(client):
    read = OutboundMessage.objects.create(to="1", kind="text", payload={}, wamid="wamid.R")
    failed = OutboundMessage.objects.create(to="1", kind="text", payload={}, wamid="wamid.F")
    statuses = [status("wamid.R", "read"), status("wamid.F", "sent"),
                status("wamid.F", "failed", error_code=131026)]  # fmt: skip
    post_signed(client, webhook_body(statuses=statuses))
    run_tasks()
    read.refresh_from_db()
    failed.refresh_from_db()
    assert read.status == "read"
    assert (failed.status, failed.error_code) == ("failed", 131026)


def test_batches_unknown_types_and_unknown_fields_pass(client, handled):
    payload = {
        "object": "whatsapp_business_account",
        "unknown_top_level": {"x": 1},
        "entry": [
            {"id": "1", "changes": [
                {"field": "messages", "value": {
                    "messaging_product": "whatsapp", "new_field": [1, 2],
                    "messages": [
                        text_message("halo", wamid="wamid.B1"),
                        {"from": "6281200000001", "id": "wamid.B2", "timestamp": "1",
                         "type": "reaction", "reaction": {"emoji": "x", "message_id": "y"}},
                        {"from": "6281200000001", "id": "wamid.B3", "type": "hologram"},
                        {"id": "wamid.no-sender"},
                    ],
                    "statuses": [status("wamid.unknown", "delivered"), {"status": "sent"}],
                }},
                {"field": "account_update", "value": {"event": "VERIFIED_ACCOUNT"}},
            ]},
            {"id": "2", "changes": [
                {"field": "messages",
                 "value": {"messages": [text_message("dua", wamid="wamid.B4")]}},
            ]},
            {"id": "3"},
            "not an object",
        ],
    }  # fmt: skip
    post_signed(client, json.dumps(payload).encode())
    post_signed(client, b'{"entry": 5}')
    post_signed(client, b"not json at all")
    assert run_tasks() == 3
    assert handled == ["wamid.B1", "wamid.B2", "wamid.B3", "wamid.B4"]
    assert InboundMessage.objects.get(wamid="wamid.B3").text == "[hologram]"
    assert StatusUpdate.objects.filter(wamid="wamid.unknown").exists()
    deliveries = list(WebhookDelivery.objects.order_by("id"))
    assert [d.error for d in deliveries[:2]] == ["", ""]
    assert deliveries[2].error.startswith("not JSON")


def test_a_big_batch_beyond_djangos_body_limit_is_taken(client, settings, handled):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = webhook_body([text_message(f"pesan {i}", wamid=f"wamid.big-{i}") for i in range(50)])
    assert len(body) > 1000
    assert post_signed(client, body).status_code == 200
    run_tasks()
    assert len(handled) == 50


def test_lost_jobs_are_enqueued_again(client, handled):
    import datetime as dt

    from django.utils import timezone

    from dukcapil.whatsapp.services import requeue_stalled

    post_signed(client, webhook_body([text_message("halo", wamid="wamid.lost")]))
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()  # the worker died with the job
    WebhookDelivery.objects.update(received_at=timezone.now() - dt.timedelta(hours=1))
    assert requeue_stalled() == {"deliveries": 1, "conversations": 0}
    run_tasks()
    assert handled == ["wamid.lost"]
    assert requeue_stalled() == {"deliveries": 0, "conversations": 0}


def test_a_nul_character_in_a_message_is_dropped_and_the_message_still_read(client, handled):
    """No phone sends NUL, but anyone can post it: PostgreSQL could not store the text (nor the
    error about it), so the delivery failed again at every retry."""
    post_signed(client, webhook_body([text_message("ha\x00lo", wamid="wamid.N\x001")]))
    assert run_tasks() == 1
    assert handled == ["wamid.N1"]
    assert InboundMessage.objects.get(wamid="wamid.N1").text == "halo"
    assert WebhookDelivery.objects.get().error == ""
