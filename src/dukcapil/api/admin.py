"""API keys in the admin: listed and revoked there; made with ``create_api_key`` (which shows the
key once), never here, so that a secret never sits in a form or a browser's history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dukcapil.api.keys import revoke_api_key
from dukcapil.api.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "office", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("office",)
    search_fields = ("name", "prefix")
    readonly_fields = ("office", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("secret_hash",)
    actions = ["revoke"]

    @admin.action(description=_("Cabut kunci API yang dipilih"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for api_key in queryset:
            revoke_api_key(api_key=api_key)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
