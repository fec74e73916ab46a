"""API keys of integrations and the remembered answers of idempotent requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    """The key of one integration (SIAK bridge, a partner portal) acting for one regency office.

    Only a SHA-256 hash of the secret is kept: the full key is shown once, when it is made. The
    public ``prefix`` finds the row; the hash is compared in constant time.
    """

    office = models.ForeignKey(
        "regions.Regency",
        on_delete=models.PROTECT,
        related_name="api_keys",
        verbose_name=_("kantor (kabupaten/kota)"),
    )
    name = models.CharField(_("nama"), max_length=100)
    prefix = models.CharField(_("awalan"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)

    class Meta:
        verbose_name = _("kunci API")
        verbose_name_plural = _("kunci API")
        ordering = ["office", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.office_id}, {self.prefix})"

    @property
    def label(self) -> str:
        """How the key appears in an application's history."""
        return f"{self.name} [{self.prefix}]"[:100]


class IdempotencyRecord(models.Model):
    """The first answer to a request sent with an ``Idempotency-Key`` header.

    A retry with the same key and the same body gets this answer again and changes nothing; the
    same key with another body is refused. The unique constraints make concurrent retries wait for
    the first one (PostgreSQL) or fail with ``IntegrityError``, never create twice.
    """

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True
    )
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(default=0)
    response_body = models.JSONField(default=dict)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "key"],
                condition=Q(api_key__isnull=False),
                name="idempotency_unique_per_api_key",
            ),
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=Q(user__isnull=False),
                name="idempotency_unique_per_user",
            ),
            models.CheckConstraint(
                condition=Q(api_key__isnull=False, user__isnull=True)
                | Q(api_key__isnull=True, user__isnull=False),
                name="idempotency_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.key
