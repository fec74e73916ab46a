"""WhatsApp Cloud API: what Meta sent us (raw deliveries, messages, statuses), what we sent, every
HTTP call to the Graph API, and each citizen's conversation (its state lives here, so that it
survives restarts)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookDelivery(models.Model):
    """One POST from Meta, stored as the raw bytes that were signed, before anything is parsed."""

    body = models.BinaryField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"webhook {self.pk} {self.received_at:%Y-%m-%d %H:%M:%S}"


class Conversation(models.Model):
    """A citizen's WhatsApp number and where their conversation with us stands."""

    class State(models.TextChoices):
        IDLE = "idle", _("Menu")
        IDENTITY_NIK = "identity_nik", _("Menunggu NIK")
        IDENTITY_KK = "identity_kk", _("Menunggu nomor KK")
        IDENTITY_BIRTH = "identity_birth", _("Menunggu tanggal lahir")
        REQUIREMENTS = "requirements", _("Membaca persyaratan")
        UPLOAD = "upload", _("Mengirim berkas")
        DELIVERY = "delivery", _("Memilih cara pengambilan")
        CONFIRM = "confirm", _("Konfirmasi")
        REVISION = "revision", _("Mengirim perbaikan")
        HUMAN = "human", _("Dilayani petugas")

    wa_id = models.CharField(max_length=20, unique=True)
    profile_name = models.CharField(max_length=120, blank=True)
    language = models.CharField(max_length=5, default="id")
    state = models.CharField(max_length=20, choices=State.choices, default=State.IDLE)
    data = models.JSONField(default=dict, blank=True)
    resident = models.ForeignKey(
        "registry.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Scope of the operator inbox: the kecamatan of the citizen's family (or of their case).
    kecamatan = models.ForeignKey(
        "regions.Kecamatan", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handover_requested_at = models.DateTimeField(null=True, blank=True)
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["handover_requested_at"])]

    def __str__(self) -> str:
        return self.wa_id


class InboundMessage(models.Model):
    """A citizen's message, once per ``wamid`` however often Meta delivers it."""

    wamid = models.CharField(max_length=128, unique=True)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="inbound")
    type = models.CharField(max_length=20)
    text = models.TextField(blank=True)
    payload = models.JSONField()
    sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.wamid


# A status only moves forward. ``failed`` ranks with ``delivered``: it replaces ``sent`` but a
# late ``failed`` never undoes a ``delivered`` or ``read``.
STATUS_RANK = {"queued": 0, "accepted": 1, "sent": 2, "delivered": 3, "failed": 3, "read": 4,
               "played": 5}  # fmt: skip


class OutboundMessage(models.Model):
    """A message we send (a conversation reply, an operator's reply or a notification)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, null=True, blank=True, related_name="outbound"
    )
    notification = models.ForeignKey(
        "notifications.Notification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    to = models.CharField(max_length=20)
    kind = models.CharField(max_length=20)
    payload = models.JSONField()
    text = models.TextField(blank=True)  # what the operator inbox shows
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    wamid = models.CharField(max_length=128, unique=True, null=True, blank=True)
    status = models.CharField(max_length=10, default="queued")
    error_code = models.IntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    status_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["to", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to} ({self.status})"


class StatusUpdate(models.Model):
    """A status webhook, once per (message id, status)."""

    wamid = models.CharField(max_length=128)
    status = models.CharField(max_length=10)
    timestamp = models.DateTimeField(null=True, blank=True)
    error_code = models.IntegerField(null=True, blank=True)
    callback_data = models.CharField(max_length=512, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wamid", "status"], name="statusupdate_once")
        ]
        indexes = [models.Index(fields=["callback_data"])]

    def __str__(self) -> str:
        return f"{self.wamid} {self.status}"


class ApiCall(models.Model):
    """One HTTP call to the Graph API: what, how long, how it ended; never the token."""

    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error_code = models.IntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status_code}"


class SendingSlot(models.Model):
    """The business number's next free sending time (epoch seconds), shared by every process
    that sends: each reserves its slots here, so all workers together keep the throughput."""

    phone_number_id = models.CharField(max_length=32, primary_key=True)
    next_free = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return f"{self.phone_number_id}: {self.next_free}"
