"""The identity check a citizen passes before applying: NIK + KK number + birth date must match
the registry.

Wrong answers are counted per NIK, per IP address and per phone number, in a table (so that every
web process and worker sees the same counts). Past the limit of any of the three within the
window, the check is refused without asking the registry, and the refusal says when to try again.
A locked NIK looks the same whether it exists or not, and a wrong answer never says which of the
three fields was wrong. Limits and window are settings (``DUKCAPIL_IDENTITY_*``).

Call :func:`check_identity` outside a transaction that the caller rolls back on its error,
otherwise the wrong answer would not be counted. Two wrong answers at the same instant may both be
counted before either is refused: the limit may be passed by the number of concurrent requests,
never more.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dukcapil.applications.models import IdentityCheckFailure
from dukcapil.core.crypto import blind_index
from dukcapil.registry.gateway import get_registry
from dukcapil.registry.models import Resident

Scope = IdentityCheckFailure.Scope

DEFAULTS = {
    "DUKCAPIL_IDENTITY_WINDOW_MINUTES": 15,
    "DUKCAPIL_IDENTITY_MAX_FAILURES_PER_NIK": 5,
    # Many phones share one address behind a mobile operator's NAT: be generous per IP.
    "DUKCAPIL_IDENTITY_MAX_FAILURES_PER_IP": 30,
    "DUKCAPIL_IDENTITY_MAX_FAILURES_PER_PHONE": 10,
}


def _setting(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


def window() -> dt.timedelta:
    return dt.timedelta(minutes=_setting("DUKCAPIL_IDENTITY_WINDOW_MINUTES"))


def limit(scope: str) -> int:
    return _setting(f"DUKCAPIL_IDENTITY_MAX_FAILURES_PER_{scope.upper()}")


class IdentityMismatch(ValidationError):
    """NIK, KK number and birth date do not match the registry (which one is never said)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Data tidak cocok dengan data kependudukan. Periksa lagi NIK, nomor KK dan "
                "tanggal lahir persis seperti yang tertulis di Kartu Keluarga, lalu coba lagi."
            ),
            code="identity_mismatch",
        )


class IdentityLocked(ValidationError):
    """Too many wrong answers for this NIK, IP address or phone; ``retry_at`` (aware datetime)
    is when the next check will be accepted."""

    def __init__(self, retry_at: dt.datetime) -> None:
        self.retry_at = retry_at
        when = formats.date_format(timezone.localtime(retry_at), "j F Y, H:i")
        super().__init__(
            _(
                "Terlalu banyak percobaan yang tidak cocok. Demi keamanan data Anda, pemeriksaan "
                "dihentikan sementara. Coba lagi setelah %(when)s WIB."
            )
            % {"when": when},
            code="identity_locked",
        )


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _keys(*, nik: str, ip: str | None, phone: str | None) -> list[tuple[str, str]]:
    """(scope, keyed hash) of each thing the wrong answers are counted by."""
    keys = [(Scope.NIK, blind_index(_digits(nik) or nik.strip(), purpose="identity-check-nik"))]
    if ip:
        keys.append((Scope.IP, blind_index(ip.strip(), purpose="identity-check-ip")))
    number = _digits(phone or "")
    if number.startswith("0"):  # 0812… as written at home is 62812… as WhatsApp sends it
        number = "62" + number[1:]
    if number:
        keys.append((Scope.PHONE, blind_index(number, purpose="identity-check-phone")))
    return keys


def locked_until(
    *, nik: str, ip: str | None = None, phone: str | None = None
) -> dt.datetime | None:
    """When the check for this NIK / IP / phone will be accepted again, or None if it is now."""
    now = timezone.now()
    since = now - window()
    retry_at = None
    for scope, key in _keys(nik=nik, ip=ip, phone=phone):
        allowed = limit(scope)
        recent = list(
            IdentityCheckFailure.objects.filter(scope=scope, key=key, at__gt=since)
            .order_by("-at")
            .values_list("at", flat=True)[:allowed]
        )
        if len(recent) >= allowed:
            # Accepted again once the oldest of the last ``allowed`` failures leaves the window.
            until = recent[-1] + window()
            retry_at = until if retry_at is None else max(retry_at, until)
    return retry_at


def check_identity(
    *,
    nik: str,
    kk_number: str,
    birth_date: dt.date,
    ip: str | None = None,
    phone: str | None = None,
) -> Resident:
    """The resident whose NIK, KK number and birth date these are.

    Raises :class:`IdentityLocked` (without asking the registry) after too many wrong answers
    for this NIK, IP address or phone within the window, :class:`IdentityMismatch` when the
    registry does not confirm all three. A right answer clears the count of wrong ones for the
    NIK (not for the IP or phone, which would let one known identity unlock guesses at others).
    """
    retry_at = locked_until(nik=nik, ip=ip, phone=phone)
    if retry_at is not None:
        raise IdentityLocked(retry_at)
    resident = None
    if len(_digits(nik)) == 16 and len(_digits(kk_number)) == 16:
        resident = get_registry().verify_identity(
            nik=_digits(nik), kk_number=_digits(kk_number), birth_date=birth_date
        )
    keys = _keys(nik=nik, ip=ip, phone=phone)
    if resident is None:
        now = timezone.now()
        IdentityCheckFailure.objects.bulk_create(
            IdentityCheckFailure(scope=scope, key=key, at=now) for scope, key in keys
        )
        raise IdentityMismatch()
    IdentityCheckFailure.objects.filter(scope=Scope.NIK, key=keys[0][1]).delete()
    return resident


def forget_old_failures() -> int:
    """Delete wrong answers that no longer count (a periodic job); how many were deleted."""
    deleted, _by_model = IdentityCheckFailure.objects.filter(
        at__lt=timezone.now() - window()
    ).delete()
    return deleted
