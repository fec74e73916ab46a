from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dukcapil.catalog import services
from dukcapil.catalog.models import RegencyServiceLevel, Service, ServiceVersion


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("code", "current_version", "is_active")
    readonly_fields = ("current_version",)


@admin.register(ServiceVersion)
class ServiceVersionAdmin(admin.ModelAdmin):
    """Published versions are read-only; saving an edited version publishes a new one."""

    list_display = ("service", "version", "name_id", "service_level_days", "published_at")
    list_filter = ("service",)
    readonly_fields = ("version", "content_hash", "published_at", "published_by")

    def save_model(self, request: HttpRequest, obj: ServiceVersion, form: Any, change: bool):
        fields = {f: getattr(obj, f) for f in services.VERSIONED_FIELDS}
        published = services.publish_service_version(
            code=obj.service.code, actor=request.user, **fields
        )
        obj.pk, obj.version = published.pk, published.version

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.register(RegencyServiceLevel)
