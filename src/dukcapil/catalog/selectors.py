from __future__ import annotations

from django.db.models import QuerySet

from dukcapil.catalog.models import RegencyServiceLevel, Service, ServiceVersion
from dukcapil.registry.selectors import PreparedLookup


def active_services() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True).select_related("current_version")


# Read on every submission: compiled once and prepared on PostgreSQL (registry.selectors.
# PreparedLookup), not cached, so that a change of the catalogue counts at once in every process.
_ACTIVE_SERVICE = PreparedLookup(
    lambda code: active_services().filter(code=code),
    "KK_HILANG",
)


def current_version(code: str) -> ServiceVersion | None:
    service = _ACTIVE_SERVICE.first(code)  # codes are unique
    return service.current_version if service else None


def service_level_days(*, version: ServiceVersion, regency_code: str) -> int:
    """The regency's own service level for this service if it set one, else the catalogue's."""
    override = (
        RegencyServiceLevel.objects.filter(regency_id=regency_code, service_id=version.service_id)
        .values_list("service_level_days", flat=True)
        .first()
    )
    return override or version.service_level_days
