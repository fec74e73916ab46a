import datetime as dt

import pytest
from django.utils import timezone

from dukcapil.applications import workflow
from dukcapil.applications.testing import make_application, verifier_of
from dukcapil.notifications import dispatch
from dukcapil.notifications.models import Notification
from dukcapil.whatsapp.client import CloudApiClient
from dukcapil.whatsapp.models import Conversation, OutboundMessage
from dukcapil.whatsapp.testing import fake_control, fake_messages, post_signed, run_tasks, status
from dukcapil.whatsapp.testing import webhook_body as body

pytestmark = pytest.mark.django_db
PHONE = "6281234567890"  # make_application's applicant phone


def open_window():
    Conversation.objects.update_or_create(wa_id=PHONE, defaults={"last_inbound_at": timezone.now()})


def test_the_notification_is_written_in_the_events_transaction_and_the_job_dispatches_it(
    fake_graph,
):
    app = make_application()
    notification = Notification.objects.get(application=app)
    assert notification.event.to_status == "submitted"
    assert notification.state == Notification.State.PENDING
    assert run_tasks() == 2  # notify_applicant (finds the row), then dispatch_notifications
    notification.refresh_from_db()
    assert notification.state == Notification.State.SENT


def test_inside_the_window_free_text_outside_it_the_template(fake_graph):
    make_application()
    assert dispatch.dispatch_pending() == {"sent": 1}
    (sent,) = fake_messages(fake_graph.url)
    template = sent["payload"]["template"]
    assert (template["name"], template["language"]["code"]) == ("status_submitted", "id")
    params = [p["text"] for p in template["components"][0]["parameters"]]
    app = Notification.objects.get().application
    assert params[0] == app.tracking_display

    open_window()
    make_application()
    assert dispatch.dispatch_pending() == {"sent": 1}
    text = fake_messages(fake_graph.url)[1]["payload"]
    assert text["type"] == "text" and "sudah kami terima" in text["text"]["body"]
    assert text["biz_opaque_callback_data"].startswith("notification:")
    assert set(Notification.objects.values_list("state", "via")) == {
        ("sent", "template"), ("sent", "text")}  # fmt: skip


def test_131047_falls_back_to_the_template(fake_graph):
    open_window()  # we believe the window open; Meta says it is not
    fake_control(fake_graph.url, "window", {"wa_id": PHONE, "open": False})
    make_application()
    assert dispatch.dispatch_pending() == {"fallback": 1}
    assert dispatch.dispatch_pending() == {"sent": 1}
    n = Notification.objects.get()
    assert (n.state, n.via, n.attempts) == ("sent", "template", 2)
    assert [m["payload"]["type"] for m in fake_messages(fake_graph.url)] == ["template"]


def test_throttling_backs_off_and_retries_and_permanent_errors_fail(fake_graph):
    make_application()
    fake_control(fake_graph.url, "fail", {"code": 130429, "times": 1})
    assert dispatch.dispatch_pending() == {"retry": 1}
    n = Notification.objects.get()
    assert n.state == "pending" and n.next_attempt_at > timezone.now()
    assert dispatch.dispatch_pending() == {}  # not due yet
    Notification.objects.update(next_attempt_at=timezone.now())
    assert dispatch.dispatch_pending() == {"sent": 1}

    make_application()
    fake_control(fake_graph.url, "fail", {"code": 131056, "times": 1})
    assert dispatch.dispatch_pending() == {"retry": 1}

    other = make_application()
    Notification.objects.exclude(application=other).update(state="sent")
    fake_control(fake_graph.url, "fail", {"code": 131026, "times": 1})
    assert dispatch.dispatch_pending() == {"failed": 1}
    failed = Notification.objects.get(application=other)
    assert (failed.state, failed.last_error_code) == ("failed", 131026)


def test_statuses_update_the_notification_and_a_late_131047_resends_the_template(
    fake_graph, client
):
    open_window()
    make_application()
    dispatch.dispatch_pending()
    n = Notification.objects.get()
    post_signed(client, body(statuses=[status(n.wamid, "delivered"), status(n.wamid, "sent")]))
    run_tasks()
    n.refresh_from_db()
    assert n.delivery_status == "delivered"
    assert OutboundMessage.objects.get(wamid=n.wamid).status == "delivered"

    make_application()
    Notification.objects.filter(pk=n.pk).update(state="sent")
    dispatch.dispatch_pending()
    late = Notification.objects.latest("id")
    assert late.via == "text"
    post_signed(client, body(statuses=[status(late.wamid, "failed", error_code=131047)]))
    run_tasks()  # the status, then the template
    late.refresh_from_db()
    assert (late.state, late.via) == ("sent", "template")
    assert [m["payload"]["type"] for m in fake_messages(fake_graph.url)] == [
        "text", "text", "template"]  # fmt: skip


def test_each_recipient_is_spaced(fake_graph, settings):
    settings.WHATSAPP_RECIPIENT_SPACING_MS = 60_000
    make_application()
    make_application()
    assert dispatch.dispatch_pending() == {"sent": 1}
    assert dispatch.dispatch_pending() == {}
    assert Notification.objects.filter(state="pending").count() == 1
    # The spaced one is not forgotten: a later round is enqueued for it.
    from django_tasks_db.models import DBTaskResult

    later = DBTaskResult.objects.filter(task_path__endswith="dispatch_notifications",
                                        run_after__gt=timezone.now())  # fmt: skip
    assert later.exists()


def killed_after_send(monkeypatch):
    """The worker dies after Meta accepted the message and before its bookkeeping."""

    def die(*args, **kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr(dispatch, "_book", die)


def test_killed_after_send_and_a_later_status_is_not_sent_twice(fake_graph, client, monkeypatch):
    make_application()
    killed_after_send(monkeypatch)
    with pytest.raises(SystemExit):
        dispatch.dispatch_pending()
    monkeypatch.undo()
    n = Notification.objects.get()
    assert n.state == "sending"
    (sent,) = fake_messages(fake_graph.url)
    # Meta's status webhook echoes the notification's id.
    callback = sent["payload"]["biz_opaque_callback_data"]
    post_signed(client, body(statuses=[status(sent["id"], "sent", callback=callback)]))
    run_tasks()
    n.refresh_from_db()
    assert (n.state, n.wamid) == ("sent", sent["id"])
    Notification.objects.update(send_started_at=timezone.now() - dt.timedelta(hours=1))
    dispatch.dispatch_pending()
    assert len(fake_messages(fake_graph.url)) == 1


def test_killed_after_send_without_a_status_is_resent_after_the_grace_time(fake_graph, monkeypatch):
    make_application()
    killed_after_send(monkeypatch)
    with pytest.raises(SystemExit):
        dispatch.dispatch_pending()
    monkeypatch.undo()
    assert dispatch.dispatch_pending() == {}  # within the grace time: wait for a status
    Notification.objects.update(send_started_at=timezone.now() - dt.timedelta(minutes=2))
    assert dispatch.periodic() == {"confirmed": 0, "resent": 1, "dispatch_enqueued": 1}
    assert dispatch.dispatch_pending() == {"sent": 1}
    n = Notification.objects.get()
    assert n.state == "sent" and n.attempts == 2
    assert len(fake_messages(fake_graph.url)) == 2  # sent again: no notification is lost


def test_every_event_a_citizen_must_know_of_is_notified(fake_graph):
    verifier = verifier_of()
    app = make_application()
    app = workflow.claim(application=app, actor=verifier)
    workflow.reject(application=app, actor=verifier, reason="Dokumen tidak sah")
    app = make_application()
    app = workflow.claim(application=app, actor=verifier)
    reasons = [{"requirement": "ktp_kepala", "reason": "unreadable"}]
    workflow.request_revision(application=app, actor=verifier, reasons=reasons)
    events = set(Notification.objects.values_list("template", flat=True))
    assert {"status_submitted", "status_rejected", "status_needs_revision"} <= events
    while dispatch.dispatch_pending():
        pass
    assert not Notification.objects.exclude(state="sent").exists()


def test_the_dispatcher_sends_a_batch_concurrently_none_lost_none_twice(fake_graph, settings):
    settings.WHATSAPP_MESSAGES_PER_SECOND = 1000
    for _ in range(30):
        make_application()
    for i, n in enumerate(Notification.objects.order_by("id")):
        Notification.objects.filter(pk=n.pk).update(recipient=f"62812{i:08d}")
    counts = dispatch.dispatch_pending(limit=100, concurrency=8,
                                       client=CloudApiClient(retries=0))  # fmt: skip
    assert counts == {"sent": 30}
    sent = fake_messages(fake_graph.url)
    callbacks = [m["payload"]["biz_opaque_callback_data"] for m in sent]
    assert len(callbacks) == len(set(callbacks)) == 30


def test_inside_the_window_the_issued_pdf_follows_as_a_document(fake_graph, monkeypatch):
    from dukcapil.documents import selectors
    from dukcapil.documents.selectors import DocumentFile

    pdf = b"%PDF-1.7 signed akta"
    monkeypatch.setattr(selectors, "document_files",
                        lambda application: [DocumentFile("kk-1.pdf", pdf, "KK 1")])  # fmt: skip
    open_window()
    app = make_application()
    Notification.objects.filter(application=app).update(template="status_issued")
    assert dispatch.dispatch_pending() == {"sent": 1}
    run_tasks()
    sent = fake_messages(fake_graph.url)
    assert [m["payload"]["type"] for m in sent] == ["text", "document"]
    document = sent[1]["payload"]["document"]
    assert (document["filename"], document["caption"]) == ("kk-1.pdf", "KK 1")
    assert fake_graph.media[document["id"]][0] == pdf
    n = Notification.objects.get()
    assert dispatch.send_issued_documents(notification_id=n.pk) == 0  # once
