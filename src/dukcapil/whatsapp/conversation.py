"""The conversation engine: a citizen applies, follows and answers from WhatsApp alone.

Each inbound message is handled inside the transaction that recorded it (see
:func:`dukcapil.whatsapp.services.receive_message`); where the conversation stands is kept in
:class:`~dukcapil.whatsapp.models.Conversation` (``state`` and ``data``), so a restart loses
nothing. The application is an ordinary draft (``start_application`` with the WhatsApp channel),
so the web portal can finish what WhatsApp started and the other way round.

Indonesian by default; "English" switches the conversation (and new applications) to English.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dukcapil.applications import tracking
from dukcapil.core import crypto
from dukcapil.whatsapp import applying, formfields
from dukcapil.whatsapp.models import Conversation, InboundMessage
from dukcapil.whatsapp.turn import S, Turn, menu

GREETINGS = {"halo", "hallo", "hai", "hi", "hello", "menu", "mulai", "start", "assalamualaikum",
             "selamat pagi", "selamat siang", "selamat sore", "selamat malam", "p"}  # fmt: skip
CANCEL = {"batal", "cancel", "batalkan"}
HELP = {"bantuan", "help", "tolong", "?"}
HUMAN = {"petugas", "operator", "agent", "manusia", "cs", "human"}
STATUS = {"status", "cek status", "cek", "lacak"}
ENGLISH = {"english", "inggris", "bahasa inggris"}
INDONESIAN = {"indonesia", "bahasa indonesia", "bahasa", "indonesian"}


def handle(*, conversation: Conversation, inbound: InboundMessage) -> None:
    """Answer one inbound message; runs inside the transaction that recorded it."""
    turn = Turn(conversation, inbound)
    identity_answer = conversation.state in (S.IDENTITY_NIK, S.IDENTITY_KK, S.IDENTITY_BIRTH)
    identity_answer = identity_answer or formfields.asks_identity_number(conversation)
    word = turn.word
    if word in ENGLISH | INDONESIAN:
        conversation.language = "en" if word in ENGLISH else "id"
    with translation.override(conversation.language):
        if word in ENGLISH | INDONESIAN:
            turn.text(_("Baik, saya akan menjawab dalam Bahasa Indonesia."))
            menu(turn)
        else:
            route(turn)
    turn.finish()
    if identity_answer:
        mask_identity_answer(inbound)


def mask_identity_answer(inbound: InboundMessage) -> None:
    """The message log keeps no NIK, KK number or birth date in clear: only the last digits (also
    of the NIKs and KK numbers given as form answers)."""

    def mask(text: str) -> str:
        count = sum(c.isdigit() for c in text)
        seen = 0
        out = []
        for c in text:
            if c.isdigit():
                seen += 1
                out.append(c if seen > count - 2 else "•")
            else:
                out.append(c)
        return "".join(out)

    payload = dict(inbound.payload)
    if isinstance(payload.get("text"), dict):
        payload["text"] = {**payload["text"], "body": mask(str(payload["text"].get("body", "")))}
    InboundMessage.objects.filter(pk=inbound.pk).update(text=mask(inbound.text), payload=payload)


# ---------------------------------------------------------------------------------------------
# Routing


def route(turn: Turn) -> None:  # noqa: C901 (one table of what a message can mean)
    conv, word, reply = turn.conv, turn.word, turn.reply_id
    if conv.state == S.HUMAN:
        if word in GREETINGS | {"selesai", "bot"}:
            end_handover(conv)
            menu(turn)
        return  # an operator answers from the inbox
    first, _sep, rest = word.partition(" ")
    if word in CANCEL or reply == "go:cancel" or (first in CANCEL and rest):
        return applying.cancel(turn, tracking_text=rest if first in CANCEL else "")
    if word in HELP or reply == "menu:help":
        return help_text(turn)
    if word in HUMAN or reply == "menu:human":
        return handover(turn)
    if word in STATUS or reply == "menu:status":
        return applying.status(turn)
    if reply.startswith("page:"):
        return menu(turn, page=int(reply[5:] or 0))
    if reply.startswith("svc:"):
        return applying.choose_service(turn, reply[4:])
    if reply.startswith("rev:"):
        return applying.start_revision(turn, reply[4:])
    if reply.startswith("doc:"):
        return applying.send_documents(turn, reply[4:])
    answering = conv.state in (S.REQUIREMENTS, S.REVISION) and bool(conv.data.get("field"))
    if not answering and looks_like_tracking_number(turn.text_in):
        return applying.status(turn, tracking_text=turn.text_in)
    if word in GREETINGS and (not answering or word == "menu"):  # "P" may answer a question
        return menu(turn)
    handler = STATE_HANDLERS.get(conv.state)
    if handler is not None:
        return handler(turn)
    if turn.media is not None and turn.verified:
        waiting = applying.revision_waiting(turn)
        if waiting is not None:
            applying.start_revision(turn, waiting.tracking_number, upload_now=True)
            return
    if turn.media is not None:
        turn.text(_("Pilih layanan dulu, lalu kirim berkasnya saat saya minta."))
    else:
        turn.text(_("Maaf, saya belum mengerti. Pilih dari menu, atau ketik *bantuan*."))
    menu(turn)


def looks_like_tracking_number(text: str) -> bool:
    """Nine characters with a valid check character, written as printed (``8YF-2AD-TJ5``) or
    holding a digit: a nine-letter word ("indonesia") is not taken for a number, while a number
    without any digit (about one in thirty) is still recognised in its printed form."""
    compact = text.replace("-", "").replace(" ", "")
    printed = text.strip().count("-") == 2
    return len(compact) == 9 and (printed or any(c.isdigit() for c in compact)) and bool(
        tracking.normalise(compact))  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Menu, help, hand-over


def help_text(turn: Turn) -> None:
    turn.text(_(
        "Cara memakai Dukcapil Daring lewat WhatsApp:\n"
        "• *menu*: daftar layanan\n"
        "• *status* atau nomor registrasi (mis. K7M-2QX-9PA): status permohonan\n"
        "• *batal*: batalkan langkah yang sedang berjalan\n"
        "• *petugas*: bicara dengan petugas\n"
        "• *English*: switch to English\n"
        "Kirim persyaratan sebagai foto atau PDF saat diminta. Layanan ini gratis."
    ))  # fmt: skip


def handover(turn: Turn) -> None:
    conv = turn.conv
    conv.handover_requested_at = timezone.now()
    if conv.kecamatan_id is None and conv.resident_id and conv.resident.family_id:
        conv.kecamatan = conv.resident.family.desa.kecamatan
    turn.go(S.HUMAN)
    turn.text(_("Pesan Anda kami teruskan ke petugas. Mohon tunggu, petugas akan membalas di sini. "
                "Ketik *menu* untuk kembali ke layanan otomatis."))  # fmt: skip


def end_handover(conv: Conversation) -> None:
    conv.handover_requested_at = None
    conv.state = S.IDLE
    conv.data = {}


# ---------------------------------------------------------------------------------------------
# Identity


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _sealed(conv: Conversation, value: str) -> str:
    """An identity answer as the conversation keeps it until the birth date is checked:
    encrypted (the state is a plain JSON column), bound to this WhatsApp number."""
    return crypto.encrypt(value, context=f"whatsapp-identity:{conv.wa_id}")


def _unsealed(conv: Conversation, token: str) -> str:
    """The answer :func:`_sealed` kept ("" for anything else: the check then fails as a
    mismatch and asks again)."""
    try:
        return crypto.decrypt(token, context=f"whatsapp-identity:{conv.wa_id}")
    except Exception:  # noqa: BLE001 - a state from before, or tampered: ask again
        return ""


def on_nik(turn: Turn) -> None:
    nik = digits(turn.text_in)
    if len(nik) != 16:
        turn.text(_("NIK terdiri dari 16 angka. Ketik lagi NIK Anda, atau *batal*."))
        return
    turn.go(S.IDENTITY_KK, nik=_sealed(turn.conv, nik))
    turn.text(_("Ketik nomor Kartu Keluarga (KK) Anda (16 angka)."))


def on_kk(turn: Turn) -> None:
    kk = digits(turn.text_in)
    if len(kk) != 16:
        turn.text(_("Nomor KK terdiri dari 16 angka. Ketik lagi nomor KK Anda, atau *batal*."))
        return
    turn.go(S.IDENTITY_BIRTH, kk=_sealed(turn.conv, kk))
    turn.text(_("Ketik tanggal lahir Anda, misalnya 17-08-1990."))


def parse_birth_date(text: str) -> dt.date | None:
    """A birth date as people type it, also without separators (DDMMYYYY)."""
    return formfields.parse_date(text, compact=True)


def on_birth_date(turn: Turn) -> None:
    from dukcapil.applications.identity import IdentityLocked, IdentityMismatch, check_identity

    birth_date = parse_birth_date(turn.text_in)
    if birth_date is None:
        turn.text(_("Tanggal lahir tidak dapat dibaca. Tulis seperti 17-08-1990."))
        return
    data = turn.conv.data
    intent = data.get("intent", "")
    try:
        # Not inside a savepoint: a wrong answer must stay counted (see applications.identity).
        resident = check_identity(
            nik=_unsealed(turn.conv, data.get("nik", "")),
            kk_number=_unsealed(turn.conv, data.get("kk", "")),
            birth_date=birth_date,
            phone=turn.conv.wa_id,
        )
    except IdentityLocked as exc:
        turn.reset()
        turn.text(exc.messages[0])
        return
    except IdentityMismatch as exc:
        turn.conv.data = {"intent": intent}
        turn.go(S.IDENTITY_NIK)
        turn.text(exc.messages[0] + "\n" + _("Ketik NIK Anda (16 angka)."))
        return
    conv = turn.conv
    conv.resident = resident
    conv.verified_at = timezone.now()
    conv.kecamatan = resident.family.desa.kecamatan if resident.family_id else None
    turn.reset()
    turn.text(_("Terima kasih, %(name)s. Identitas Anda cocok.") % {"name": resident.name})
    if intent.startswith("service:"):
        applying.choose_service(turn, intent.removeprefix("service:"))
    elif intent.startswith("status"):
        applying.status(turn, tracking_text=intent.removeprefix("status").lstrip(":"))
    elif intent.startswith("revision:"):
        applying.start_revision(turn, intent.removeprefix("revision:"))
    else:
        menu(turn)


# ---------------------------------------------------------------------------------------------
STATE_HANDLERS = {
    S.IDENTITY_NIK: on_nik,
    S.IDENTITY_KK: on_kk,
    S.IDENTITY_BIRTH: on_birth_date,
    S.REQUIREMENTS: applying.on_requirements,
    S.UPLOAD: applying.on_upload,
    S.CONFIRM: applying.on_confirm,
    S.REVISION: applying.on_revision,
}
