"""The operator inbox: citizens handed over to a human, and the officers' replies (on WhatsApp).

Thin views: the lists come from :mod:`selectors` (scoped to the jurisdiction), the writes from
:mod:`services`."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dukcapil.accounts.decorators import role_required
from dukcapil.accounts.models import Role
from dukcapil.whatsapp import selectors, services
from dukcapil.whatsapp.models import Conversation

INBOX_ROLES = (Role.KECAMATAN_OPERATOR, Role.VERIFIER, Role.REGENCY_HEAD, Role.ADMINISTRATOR)


def _conversation(request: HttpRequest, pk: int) -> Conversation:
    conversation = selectors.inbox(request.user, waiting_only=False).filter(pk=pk).first()
    if conversation is None:
        raise Http404  # outside the jurisdiction looks the same as missing
    return conversation


@require_GET
@role_required(*INBOX_ROLES)
def inbox(request: HttpRequest) -> HttpResponse:
    conversations = list(selectors.inbox(request.user)[:200])
    return render(request, "whatsapp/inbox.html", {"conversations": conversations})


@require_http_methods(["GET", "POST"])
@role_required(*INBOX_ROLES)
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    conv = _conversation(request, pk)
    status = 200
    if request.method == "POST":
        try:
            services.reply_as_officer(conversation=conv, user=request.user,
                                      text=request.POST.get("text", ""))  # fmt: skip
        except ValidationError as exc:
            flash.error(request, " ".join(exc.messages))
            status = 400
        else:
            flash.success(request, _("Balasan dikirim lewat WhatsApp."))
            return redirect("whatsapp:conversation", pk=conv.pk)
    context = {"conversation": conv, "thread": selectors.thread(conv)}
    return render(request, "whatsapp/conversation.html", context, status=status)


@require_POST
@role_required(*INBOX_ROLES)
def close(request: HttpRequest, pk: int) -> HttpResponse:
    services.close_handover(conversation=_conversation(request, pk), user=request.user)
    flash.success(request, _("Percakapan dikembalikan ke layanan otomatis."))
    return redirect("whatsapp:inbox")
