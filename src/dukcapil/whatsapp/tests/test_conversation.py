"""Whole conversations: signed webhooks in, what the fake Graph server received (over HTTP) out."""

import io

import pytest
from PIL import Image

from dukcapil.applications import services, workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application, Channel, Status
from dukcapil.applications.testing import PDF, make_application, make_household, verifier_of
from dukcapil.whatsapp.models import Conversation
from dukcapil.whatsapp.testing import (
    CITIZEN,
    fake_messages,
    media_message,
    post_signed,
    reply_message,
    run_tasks,
    text_message,
    webhook_body,
)

pytestmark = pytest.mark.django_db


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


class Phone:
    """The citizen's phone: sends signed webhooks, reads what the fake Graph API got for it."""

    def __init__(self, client, fake, wa_id=CITIZEN):
        self.client, self.fake, self.wa_id, self.seen = client, fake, wa_id, 0

    def send(self, message) -> list[dict]:
        message["from"] = self.wa_id
        assert post_signed(self.client, webhook_body([message])).status_code == 200
        run_tasks()
        received = fake_messages(self.fake.url, to=self.wa_id)
        new, self.seen = received[self.seen :], len(received)
        return [m["payload"] for m in new]

    def say(self, text):
        return self.send(text_message(text))

    def tap(self, reply_id, kind="button_reply"):
        return self.send(reply_message(reply_id, kind=kind))

    def photo(self, content=None, mime="image/jpeg"):
        media_id = self.fake.add_media(content or jpeg(), mime)
        return self.send(media_message(media_id, mime_type=mime))


def texts(payloads):
    out = []
    for p in payloads:
        if p["type"] == "text":
            out.append(p["text"]["body"])
        elif p["type"] == "interactive":
            out.append(p["interactive"]["body"]["text"])
    return "\n".join(out)


def list_rows(payload):
    return [r["id"] for s in payload["interactive"]["action"]["sections"] for r in s["rows"]]


def identify(phone, resident):
    phone.say(resident.nik)
    phone.say(resident.family.kk_number)
    return phone.say(resident.birth_date.strftime("%d-%m-%Y"))


@pytest.fixture
def phone(client, fake_graph):
    return Phone(client, fake_graph)


def test_from_halo_to_a_submitted_application_with_two_photos(phone):
    household = make_household()
    head = household["head"]
    (menu,) = phone.say("halo")
    assert menu["interactive"]["type"] == "list"
    first_page = list_rows(menu)
    assert len(first_page) == 10 and first_page[-1] == "page:1"
    (second,) = phone.tap("page:1", kind="list_reply")
    assert "svc:KK_HILANG" in first_page + list_rows(second)
    assert "NIK" in texts(phone.tap("svc:KK_HILANG", kind="list_reply"))
    assert "KK" in texts(phone.say(head.nik))
    assert "tanggal lahir" in texts(phone.say(head.family.kk_number))
    replies = phone.say(head.birth_date.strftime("%d-%m-%Y"))
    assert "Identitas Anda cocok" in texts(replies)
    assert "Surat keterangan hilang" in texts(replies)
    conversation = Conversation.objects.get()
    assert conversation.state == "requirements"  # kept in the database between messages
    draft = Application.objects.get()
    assert (draft.status, draft.channel, draft.applicant) == ("draft", Channel.WHATSAPP, head)
    assert "Surat keterangan hilang" in texts(phone.tap("go:continue"))
    assert "KTP-el kepala keluarga" in texts(phone.photo())
    assert "setuju" in texts(phone.photo()).lower()
    assert draft.attachments.filter(superseded=False).count() == 2
    assert "menerima dokumennya" in texts(phone.tap("go:agree"))
    assert "Periksa sebelum diajukan" in texts(phone.tap("delivery:pickup"))
    done = texts(phone.tap("go:submit"))
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.tracking_display in done
    assert draft.privacy_acknowledged_at is not None
    assert draft.delivery_method == "pickup"


def test_wrong_identity_is_refused_without_saying_which_field_and_locked_after_the_limit(phone):
    head = make_household()["head"]
    phone.tap("svc:KK_HILANG", kind="list_reply")
    phone.say(head.nik)
    phone.say(head.family.kk_number)
    answer = texts(phone.say("01-01-1970"))
    assert "tidak cocok" in answer
    assert Conversation.objects.get().resident is None
    for _ in range(5):
        phone.say(head.nik)
        phone.say(head.family.kk_number)
        answer = texts(phone.say("01-01-1970"))
    assert "Terlalu banyak percobaan" in answer
    assert not Application.objects.exists()


def test_a_bad_file_is_refused_with_the_portals_checks_and_asked_again(phone):
    head = make_household()["head"]
    phone.tap("svc:KK_HILANG", kind="list_reply")
    identify(phone, head)
    phone.tap("go:continue")
    answer = texts(phone.photo(b"GIF89a not allowed", mime="image/gif"))
    assert "JPEG, PNG atau PDF" in answer or "kirim ulang" in answer.lower()
    assert Conversation.objects.get().state == "upload"
    assert "KTP-el kepala keluarga" in texts(phone.photo(PDF, mime="application/pdf"))


def test_status_by_word_and_by_tracking_number_and_english(phone):
    household = make_household()
    app = make_application(household=household)
    assert "English" in texts(phone.say("English"))
    assert "NIK" in texts(phone.say("status"))
    replies = texts(identify(phone, household["head"]))
    assert app.tracking_display in replies
    assert "Submitted" in replies
    replies = texts(phone.say(app.tracking_display))
    assert app.tracking_display in replies
    other = make_application()
    assert "not found" in texts(phone.say(other.tracking_display))
    phone.say("bahasa indonesia")
    assert Conversation.objects.get().language == "id"


def test_a_revision_is_answered_by_sending_the_missing_paper(phone):
    household = make_household()
    verifier = verifier_of()
    app = workflow.claim(application=make_application(household=household), actor=verifier)
    services.record_verdict(application=app, actor=verifier, requirement_code="ktp_kepala",
                            verdict="needs_revision", reason="unreadable")  # fmt: skip
    reasons = [{"requirement": "ktp_kepala", "reason": "unreadable"}]
    workflow.request_revision(application=app, actor=verifier, reasons=reasons)
    phone.say("status")
    replies = identify(phone, household["head"])
    assert f"rev:{app.tracking_number}" in str(replies)
    assert "KTP-el kepala keluarga" in texts(phone.tap(f"rev:{app.tracking_number}"))
    answer = texts(phone.photo())
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED
    assert "sudah kami terima" in answer


def test_batal_cancels_the_draft_and_help_and_unknown_messages_answer(phone):
    head = make_household()["head"]
    phone.tap("svc:KK_HILANG", kind="list_reply")
    identify(phone, head)
    assert "dibatalkan" in texts(phone.say("batal")).lower()
    assert Application.objects.get().status == Status.CANCELLED
    assert "petugas" in texts(phone.say("bantuan"))
    assert "belum mengerti" in texts(phone.say("qwerty asdf"))
    assert "Pilih layanan" in texts(
        phone.send({"type": "sticker", "id": "wamid.st", "sticker": {}})
    )


def test_a_draft_started_on_whatsapp_is_finished_on_the_web_and_the_other_way(phone):
    household = make_household()
    head = household["head"]
    phone.tap("svc:KK_HILANG", kind="list_reply")
    identify(phone, head)
    phone.tap("go:continue")
    phone.photo()
    draft = Application.objects.get()
    actor = Actor.citizen(head.pk)
    # The web portal finishes it with the same services.
    services.add_attachment(application=draft, actor=actor, requirement_code="ktp_kepala",
                            content=PDF, original_name="ktp.pdf")  # fmt: skip
    services.fill_application(application=draft, actor=actor, declarations=["pernyataan"],
                              privacy_acknowledged=True)  # fmt: skip
    assert workflow.submit(application=draft, actor=actor).status == Status.SUBMITTED

    web = services.start_application(service_code="KTP_HILANG", applicant=head,
                                     channel=Channel.WEB, actor=actor)  # fmt: skip
    services.add_attachment(application=web, actor=actor, requirement_code="laporan_kehilangan",
                            content=PDF, original_name="laporan.pdf")  # fmt: skip
    phone.tap("svc:KTP_HILANG", kind="list_reply")
    assert Conversation.objects.get().application_id == web.pk
    assert "Kartu Keluarga" in texts(phone.tap("go:continue"))  # only the missing paper


def test_hand_over_to_a_human_stops_the_bot_until_menu(phone):
    head = make_household()["head"]
    phone.say("status")
    identify(phone, head)
    assert "petugas" in texts(phone.say("petugas"))
    conversation = Conversation.objects.get()
    assert conversation.state == "human" and conversation.handover_requested_at
    assert conversation.kecamatan_id == head.family.desa.kecamatan_id
    assert phone.say("tolong dibantu, KTP saya hilang") == []
    assert phone.say("menu")[0]["interactive"]["type"] == "list"
    assert Conversation.objects.get().handover_requested_at is None


def test_a_duplicate_delivery_gets_one_answer(phone, client):
    message = text_message("halo", wamid="wamid.dup")
    body = webhook_body([message])
    post_signed(client, body)
    post_signed(client, body)
    run_tasks()
    assert len(fake_messages(phone.fake.url, to=CITIZEN)) == 1


def test_the_issued_pdf_is_sent_on_request(phone, monkeypatch):
    from dukcapil.applications.models import Application as App
    from dukcapil.documents import selectors
    from dukcapil.documents.selectors import DocumentFile

    household = make_household()
    app = make_application(household=household)
    App.objects.filter(pk=app.pk).update(status=Status.ISSUED)
    pdf = b"%PDF-1.7 the signed KK"
    monkeypatch.setattr(selectors, "document_files",
                        lambda application: [DocumentFile("kk.pdf", pdf, "KK")])  # fmt: skip
    phone.say("status")
    replies = identify(phone, household["head"])
    assert f"doc:{app.tracking_number}" in str(replies)
    (document,) = phone.tap(f"doc:{app.tracking_number}")
    assert document["document"]["filename"] == "kk.pdf"
    assert phone.fake.media[document["document"]["id"]][0] == pdf


def test_identity_answers_are_masked_in_the_message_log(phone):
    from dukcapil.whatsapp.models import InboundMessage

    head = make_household()["head"]
    phone.tap("svc:KK_HILANG", kind="list_reply")
    identify(phone, head)
    logged = " ".join(InboundMessage.objects.values_list("text", flat=True))
    assert head.nik not in logged and head.family.kk_number not in logged
    assert head.nik[-2:] in logged
    payloads = str(list(InboundMessage.objects.values_list("payload", flat=True)))
    assert head.nik not in payloads


def test_identity_answers_are_kept_encrypted_in_the_conversation_state(phone):
    head = make_household()["head"]
    phone.tap("svc:KK_HILANG", kind="list_reply")
    phone.say(head.nik)
    phone.say(head.family.kk_number)
    state = str(Conversation.objects.get(wa_id=phone.wa_id).data)
    assert head.nik not in state and head.family.kk_number not in state
    # The sealed answers open only for this number's conversation: the check still passes.
    replies = texts(phone.say(head.birth_date.strftime("%d-%m-%Y")))
    assert "cocok" in replies, replies
    assert head.nik not in str(Conversation.objects.get(wa_id=phone.wa_id).data)


def test_a_message_the_engine_fails_on_gets_an_apology_and_is_not_handled_twice(
    phone, client, monkeypatch
):
    from dukcapil.whatsapp import conversation

    def broken(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(conversation, "handle", broken)
    (apology,) = phone.send(text_message("halo", wamid="wamid.broken"))
    assert "gangguan" in apology["text"]["body"]
    monkeypatch.undo()
    assert phone.send(text_message("halo", wamid="wamid.broken")) == []  # redelivered: skipped
    assert phone.say("halo")[0]["interactive"]["type"] == "list"


def test_a_printed_tracking_number_without_a_digit_is_recognised_and_a_word_is_not():
    from dukcapil.applications import tracking
    from dukcapil.whatsapp.conversation import looks_like_tracking_number

    letters = "ABCDEFGHJKMNPQRSTVWXYZ"
    numbers = (
        tracking.normalise(f"ABCDEFG{a}{c}")
        for a in letters for c in "0123456789" + letters
    )  # fmt: skip
    number = next(n for n in numbers if n and not any(ch.isdigit() for ch in n))
    assert not any(c.isdigit() for c in number)
    assert looks_like_tracking_number(f"{number[:3]}-{number[3:6]}-{number[6:]}")
    assert not looks_like_tracking_number("indonesia")
