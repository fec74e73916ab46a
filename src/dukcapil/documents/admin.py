"""The administrator sets each office's low-stock threshold and sees issued documents (without
their content); blanks change only through recorded movements, documents only through services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from dukcapil.documents.models import CardStock, IssuedDocument


@admin.register(CardStock)
class CardStockAdmin(admin.ModelAdmin):
    list_display = ("office", "card_type", "blanks", "low_threshold")
    list_filter = ("card_type",)
    readonly_fields = ("office", "card_type", "blanks")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    list_display = ("number", "document_type", "office", "status", "issued_on", "signer_name")
    list_filter = ("document_type", "status", "office")
    search_fields = ("number",)
    fields = ("number", "document_type", "office", "status", "issued_on", "signed_at",
              "signer_name", "superseded_by", "superseded_at", "revoked_at",
              "revocation_reason")  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
