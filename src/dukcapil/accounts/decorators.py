"""Access checks for staff pages: a password *and* a second factor, then a role.

``role_required(Role.VERIFIER, Role.REGENCY_HEAD)`` on a function view, ``RoleRequiredMixin`` with
``allowed_roles`` on a class-based view. What a permitted user then sees is scoped by
:func:`dukcapil.accounts.selectors.scope_to_jurisdiction`, not here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def is_verified_staff(user: Any) -> bool:
    """Logged in, active, and verified by a second factor in this session (django-otp)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "is_verified", lambda: False)()
    )


def staff_verified_required(view: View) -> View:
    """The user is logged in with password and a second factor; any role."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_verified_staff(request.user):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return view(request, *args, **kwargs)

    return wrapper


def role_required(*roles: str) -> Callable[[View], View]:
    """The user is verified staff (else: to the login page) with one of ``roles`` (else: 403)."""
    if not roles:
        raise TypeError("role_required() needs at least one role")
    allowed = frozenset(roles)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not is_verified_staff(user):
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if user.role not in allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed  # type: ignore[attr-defined]
        return wrapper

    return decorator


class RoleRequiredMixin:
    """Class-based views: set ``allowed_roles``; same rules as :func:`role_required`."""

    allowed_roles: ClassVar[tuple[str, ...]] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.allowed_roles:
            raise TypeError(f"{type(self).__name__}.allowed_roles is empty")
        if not is_verified_staff(request.user):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if request.user.role not in self.allowed_roles:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
