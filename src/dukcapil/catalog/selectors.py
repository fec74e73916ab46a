from __future__ import annotations

from django.db.models import QuerySet

from dukcapil.catalog.models import RegencyServiceLevel, Service, ServiceVersion


def active_services() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True).select_related("current_version")


def current_version(code: str) -> ServiceVersion | None:
    service = active_services().filter(code=code).first()
    return service.current_version if service else None


def service_level_days(*, version: ServiceVersion, regency_code: str) -> int:
    """The regency's own service level for this service if it set one, else the catalogue's."""
    override = (
        RegencyServiceLevel.objects.filter(regency_id=regency_code, service_id=version.service_id)
        .values_list("service_level_days", flat=True)
        .first()
    )
    return override or version.service_level_days
