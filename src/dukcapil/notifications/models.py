"""The outbox: every message a citizen must receive, written in the transaction of the event that
caused it, then dispatched by a channel provider (WhatsApp, SMS …) with retries."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu dikirim")
        SENDING = "sending", _("Sedang dikirim")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal")

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.OneToOneField(
        "applications.ApplicationEvent", on_delete=models.CASCADE, related_name="notification"
    )
    channel = models.CharField(max_length=10)
    recipient = models.CharField(max_length=16, blank=True)
    language = models.CharField(max_length=5)
    template = models.CharField(max_length=40)
    body = models.TextField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Dispatch bookkeeping: when to try again, the send in flight, how the last try ended.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    send_started_at = models.DateTimeField(null=True, blank=True)
    via = models.CharField(max_length=10, blank=True)  # "text" or "template"
    wamid = models.CharField(max_length=128, blank=True)
    delivery_status = models.CharField(max_length=10, blank=True)  # sent, delivered, read, failed
    last_error_code = models.IntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "created_at"]),
            models.Index(fields=["state", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient or self.channel}"
