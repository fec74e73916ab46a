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


# Read at every submission, prepared like the service above.
_REGENCY_LEVEL = PreparedLookup(
    lambda regency, service: RegencyServiceLevel.objects.filter(
        regency_id=regency, service_id=service
    ).only("service_level_days"),
    "36.01",
    1,
)


def service_level_days(*, version: ServiceVersion, regency_code: str) -> int:
    """The regency's own service level for this service if it set one, else the catalogue's."""
    override = _REGENCY_LEVEL.first(regency_code, version.service_id)  # (regency, service) unique
    return (override and override.service_level_days) or version.service_level_days
