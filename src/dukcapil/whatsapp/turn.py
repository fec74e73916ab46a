"""One turn of a conversation (an inbound message and the replies it gets) and the replies
shared by every step: the menu, the identity prompt, error texts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from dukcapil.applications.actors import Actor
from dukcapil.catalog.selectors import active_services
from dukcapil.whatsapp import messages, outbox
from dukcapil.whatsapp.messages import Row
from dukcapil.whatsapp.models import Conversation, InboundMessage

S = Conversation.State
VERIFIED_FOR = dt.timedelta(days=7)


class Turn:
    """One inbound message and the replies it gets."""

    def __init__(self, conversation: Conversation, inbound: InboundMessage) -> None:
        self.conv = conversation
        self.inbound = inbound
        self.kind = inbound.type
        self.text_in = inbound.text.strip() if inbound.type in ("text", "interactive") else ""
        self.word = " ".join(self.text_in.lower().split()).strip(".!")
        interactive = inbound.payload.get("interactive") or {}
        reply = interactive.get(interactive.get("type", ""), {}) if interactive else {}
        self.reply_id = str(reply.get("id", "")) if isinstance(reply, dict) else ""
        self.media = inbound.payload.get(self.kind) if self.kind in ("image", "document") else None
        self.replies: list[dict[str, Any]] = []

    @property
    def to(self) -> str:
        return self.conv.wa_id

    def text(self, body: str) -> None:
        self.replies.append(messages.text(self.to, body))

    def buttons(self, body: str, choices: list[Row]) -> None:
        self.replies.append(messages.buttons(self.to, body, choices))

    def choose(self, body: str, rows: list[Row], *, button: str, page: int = 0) -> None:
        shown = messages.list_pages(rows, page=page, more=Row("page:", _("Berikutnya »")),
                                    back=Row("page:", _("« Sebelumnya")))  # fmt: skip
        self.replies.append(messages.list_message(self.to, body, shown, button=button))

    def go(self, state: str, **data: Any) -> None:
        self.conv.state = state
        self.conv.data = {**self.conv.data, **data}

    def reset(self) -> None:
        self.conv.state = S.IDLE
        self.conv.data = {}

    def finish(self) -> None:
        self.conv.save()
        for payload in self.replies:
            outbox.queue_message(conversation=self.conv, payload=payload, enqueue=False)
        if self.replies:
            from dukcapil.whatsapp.tasks import send_queued

            send_queued.enqueue(self.conv.pk)  # one sender for the turn's replies, in order

    # -- who is writing ---------------------------------------------------------------------

    @property
    def verified(self) -> bool:
        verified_at = self.conv.verified_at
        return bool(self.conv.resident_id and verified_at and
                    verified_at > timezone.now() - VERIFIED_FOR)  # fmt: skip

    @property
    def actor(self) -> Actor:
        return Actor.citizen(self.conv.resident_id, label=f"WhatsApp {self.conv.wa_id}")


def menu(turn: Turn, *, page: int = 0) -> None:
    turn.reset()  # a draft in progress stays; choosing its service again goes on with it
    rows = [
        Row(f"svc:{s.code}", s.current_version.name, s.current_version.description)
        for s in active_services().order_by("code")
        if s.current_version_id
    ]
    rows += [
        Row("menu:status", _("Cek status"), _("Status permohonan Anda")),
        Row("menu:help", _("Bantuan"), _("Cara memakai layanan ini")),
        Row("menu:human", _("Bicara dengan petugas"), _("Diteruskan ke petugas kecamatan")),
    ]
    body = _("Selamat datang di Dukcapil Daring. Pilih layanan yang Anda perlukan. "
             "Ketik *English* for English.")  # fmt: skip
    turn.choose(body, rows, button=_("Pilih layanan"), page=page)


def require_identity(turn: Turn, intent: str) -> None:
    turn.go(S.IDENTITY_NIK, intent=intent)
    turn.text(_("Untuk menjaga data Anda, kami perlu memastikan identitas Anda.\n"
                "Ketik NIK Anda (16 angka, tertulis di KTP-el atau Kartu Keluarga)."))  # fmt: skip


def error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("Langkah ini tidak dapat dilakukan.")
