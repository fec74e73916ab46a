"""Who is calling: an integration with an API key of one office, or a staff member's session.

Each class returns a :class:`Caller` or None; django-ninja tries them in order and answers 401 when
none matches. A session counts only when the second factor was given (django-otp), and an unsafe
request on a session must carry the CSRF token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, APIKeyHeader, HttpBearer
from ninja.utils import check_csrf

from dukcapil.api.keys import authenticate_api_key
from dukcapil.api.models import ApiKey
from dukcapil.applications.actors import Actor


@dataclass(frozen=True)
class Caller:
    api_key: ApiKey | None = None
    user: Any = None

    @property
    def actor(self) -> Actor:
        if self.api_key is not None:
            return Actor.api(self.api_key.office_id, self.api_key.label)
        return Actor.staff(self.user)

    @property
    def is_integration(self) -> bool:
        return self.api_key is not None


class BearerApiKey(HttpBearer):
    """``Authorization: Bearer dkc_…``: the API key of an integration."""

    openapi_description = "API key of an integration: `Authorization: Bearer dkc_…`"

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        api_key = authenticate_api_key(token)
        return Caller(api_key=api_key) if api_key else None


class HeaderApiKey(APIKeyHeader):
    """``X-API-Key: dkc_…``: the same key, for clients that cannot set Authorization."""

    param_name = "X-API-Key"
    openapi_description = "API key of an integration in the X-API-Key header"

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        api_key = authenticate_api_key(key) if key else None
        return Caller(api_key=api_key) if api_key else None


class StaffSession(APIKeyCookie):
    """The session of a staff member who logged in with password and second factor.

    Unlike django-ninja's ``SessionAuth`` the CSRF check comes after the session check, so a
    request without any credentials is told 401, not a misleading CSRF failure.
    """

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "Staff session (password + TOTP); unsafe methods need X-CSRFToken"

    def __call__(self, request: HttpRequest) -> Caller | None:
        user = getattr(request, "user", None)
        verified = getattr(user, "is_verified", None)
        if not (
            user is not None
            and user.is_authenticated
            and user.is_active
            and getattr(user, "role", "")
            and callable(verified)
            and verified()
        ):
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise HttpError(403, _("Token CSRF tidak ada atau tidak cocok."))
        return Caller(user=user)

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        return self(request)  # pragma: no cover - __call__ does the work


INTEGRATION_OR_STAFF = [BearerApiKey(), HeaderApiKey(), StaffSession()]
STAFF_ONLY = [StaffSession()]
