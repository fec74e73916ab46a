"""The one place where what a staff user may list or open is scoped to their jurisdiction.

Every model that staff list is registered here with the path from it to its kecamatan (and, when a
regency office is not simply the kecamatan's regency, the path to that regency)::

    register_scope("applications.Application", kecamatan_path="kecamatan", regency_path="office",
                   personal_data=True)

and every list or detail view starts from ``scope_to_jurisdiction(queryset, user=request.user)``.

Rules:

- a province-level user sees rows of the served province (``settings.DUKCAPIL_PROVINCE_CODE``);
- a regency-level user sees rows of their regency, a kecamatan-level user rows of their kecamatan;
- an inactive or anonymous user, or one without a role or jurisdiction, sees nothing;
- roles in :data:`ROLES_WITHOUT_PERSONAL_DATA` (the province monitor) see nothing of a model
  registered with ``personal_data=True``: they work with aggregates built elsewhere;
- a model that is not registered raises :class:`ImproperlyConfigured` (fail closed, loudly).

Residents without a family (``family`` is null once they died or moved away) have no desa, so they
fall outside every jurisdiction and drop out of staff lists; their history stays in the registry
and a death or move-out certificate is reached through its application, not the resident list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q, QuerySet

from dukcapil.accounts.models import ROLES_WITHOUT_PERSONAL_DATA, JurisdictionLevel

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class ScopePath:
    """Lookup paths from a model to regions.Kecamatan and regions.Regency.

    ``""`` means "the model itself"; ``None`` means the model has no such link (a kecamatan-level
    user then sees none of its rows).
    """

    kecamatan: str | None
    regency: str
    personal_data: bool

    def kecamatan_filter(self, code: str) -> Q | None:
        if self.kecamatan is None:
            return None
        return Q(**{_join(self.kecamatan, "pk"): code})

    def regency_filter(self, code: str) -> Q:
        return Q(**{_join(self.regency, "pk"): code})

    def province_filter(self, code: str) -> Q:
        return Q(**{_join(self.regency, "province"): code})


def _join(path: str, last: str) -> str:
    return f"{path}__{last}" if path else last


_SCOPES: dict[str, ScopePath] = {}


def _label(model: type[models.Model] | str) -> str:
    if isinstance(model, str):
        return model.lower()
    return model._meta.concrete_model._meta.label_lower


def register_scope(
    model: type[models.Model] | str,
    *,
    kecamatan_path: str | None,
    regency_path: str | None = None,
    personal_data: bool = False,
) -> None:
    """Tell the scoping selector how ``model`` (a class or ``"app_label.Model"``) reaches a region.

    ``kecamatan_path`` leads to a ``regions.Kecamatan`` (``"family__desa__kecamatan"``; ``""`` for
    Kecamatan itself; ``None`` if the model belongs to a regency only). ``regency_path`` leads to a
    ``regions.Regency`` and defaults to ``<kecamatan_path>__regency``; give it when the office
    that owns a row is not the regency of its kecamatan. ``personal_data`` hides the model from
    roles that see aggregates only. Registering a model again replaces its paths.
    """
    if regency_path is None:
        if kecamatan_path is None:
            raise ImproperlyConfigured(f"{model}: give kecamatan_path or regency_path")
        regency_path = _join(kecamatan_path, "regency")
    _SCOPES[_label(model)] = ScopePath(
        kecamatan=kecamatan_path, regency=regency_path, personal_data=personal_data
    )


def scope_for(model: type[models.Model]) -> ScopePath:
    try:
        return _SCOPES[_label(model)]
    except KeyError:
        raise ImproperlyConfigured(
            f"{model._meta.label} has no jurisdiction scope: call "
            "dukcapil.accounts.selectors.register_scope() for it (in its app's ready())."
        ) from None


def _may_see_any(user: Any, scope: ScopePath) -> bool:
    if not (
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "role", "")
    ):
        return False
    return not (scope.personal_data and user.role in ROLES_WITHOUT_PERSONAL_DATA)


def scope_to_jurisdiction(queryset: QuerySet[M], *, user: Any) -> QuerySet[M]:
    """The rows of ``queryset`` that ``user`` may list or open (see the module docstring)."""
    scope = scope_for(queryset.model)
    if not _may_see_any(user, scope):
        return queryset.none()
    level = user.jurisdiction_level
    if level == JurisdictionLevel.PROVINCE:
        return queryset.filter(scope.province_filter(settings.DUKCAPIL_PROVINCE_CODE))
    if level == JurisdictionLevel.REGENCY and user.regency_id:
        return queryset.filter(scope.regency_filter(user.regency_id))
    if level == JurisdictionLevel.KECAMATAN and user.kecamatan_id:
        condition = scope.kecamatan_filter(user.kecamatan_id)
        if condition is not None:
            return queryset.filter(condition)
    return queryset.none()


def _follow(instance: Any, path: str | None) -> Any:
    if path is None:
        return None
    for name in path.split("__") if path else ():
        instance = getattr(instance, name, None)
        if instance is None:
            return None
    return instance


def is_in_jurisdiction(instance: models.Model, *, user: Any) -> bool:
    """Whether ``user`` may open ``instance``: the same rules as :func:`scope_to_jurisdiction`,
    applied by following the registered path on the instance, so that it also answers for an
    instance not saved yet (may load the related regions)."""
    scope = scope_for(type(instance))
    if not _may_see_any(user, scope):
        return False
    level = user.jurisdiction_level
    if level == JurisdictionLevel.PROVINCE:
        regency = _follow(instance, scope.regency)
        return regency is not None and regency.province_id == settings.DUKCAPIL_PROVINCE_CODE
    if level == JurisdictionLevel.REGENCY and user.regency_id:
        regency = _follow(instance, scope.regency)
        return regency is not None and regency.pk == user.regency_id
    if level == JurisdictionLevel.KECAMATAN and user.kecamatan_id:
        kecamatan = _follow(instance, scope.kecamatan)
        return kecamatan is not None and kecamatan.pk == user.kecamatan_id
    return False


# The models of the apps that came before this registry. Later apps register their own models in
# their AppConfig.ready().
register_scope("regions.Kecamatan", kecamatan_path="")
register_scope("regions.Desa", kecamatan_path="kecamatan")
register_scope("regions.Regency", kecamatan_path=None, regency_path="")
register_scope("registry.Family", kecamatan_path="desa__kecamatan", personal_data=True)
register_scope("registry.Resident", kecamatan_path="family__desa__kecamatan", personal_data=True)
