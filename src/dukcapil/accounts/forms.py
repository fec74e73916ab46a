"""Staff login: password plus a second factor in one form.

django-otp asks the user to pick a device before it checks a code, so that a code typed for one
device never counts as a failure against another. Staff have two devices at most (an authenticator
app and a sheet of backup codes) whose codes look different, so the device is chosen from what was
typed: 6 digits go to the authenticator app, anything else to the backup codes.

A wrong second factor after a right password is reported to django-axes as a failed login, so that
guessing codes locks the account out just like guessing passwords does.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.forms import OTPAuthenticationForm, OTPAuthenticationFormMixin
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

OTP_ERROR_MESSAGES = dict(
    OTPAuthenticationFormMixin.otp_error_messages,
    token_required=_("Masukkan kode dari aplikasi autentikator atau salah satu kode cadangan."),
    invalid_token=_("Kode salah atau sudah pernah dipakai. Periksa lalu coba lagi."),
    n_failed_attempts=ngettext_lazy(
        "Pemeriksaan kode ditangguhkan sebentar setelah %(failure_count)d kali gagal; "
        "coba lagi sesaat lagi.",
        "Pemeriksaan kode ditangguhkan sebentar setelah %(failure_count)d kali gagal; "
        "coba lagi sesaat lagi.",
        "failure_count",
    ),
    verification_not_allowed=_("Pemeriksaan kode sedang tidak diizinkan."),
    device_required=_("Pilih perangkat autentikasi."),
)


def normalise_token(token: str) -> str:
    """Codes are read off a phone or a sheet of paper: ignore spaces, dashes and case."""
    return "".join(ch for ch in token if ch.isalnum()).lower()


def devices_for_token(user: Any, token: str) -> list[Device]:
    """The user's confirmed devices that could have produced ``token``, locked for verification."""
    if token.isdigit():
        totp = list(
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=True, digits=len(token))
            .order_by("pk")
        )
        if totp:
            return totp
    return list(
        StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk")
    )


class SecondFactorFormMixin:
    """Put before a django-otp authentication form: picks the device from the shape of the code
    and reports a failed second factor to the lockout (django-axes)."""

    otp_error_messages = OTP_ERROR_MESSAGES
    request: Any
    cleaned_data: dict[str, Any]

    def clean_otp_token(self) -> str:
        return normalise_token(self.cleaned_data.get("otp_token") or "")

    def clean_otp(self, user: Any) -> None:
        try:
            super().clean_otp(user)  # type: ignore[misc]
        except forms.ValidationError:
            if user is not None:
                user_login_failed.send(
                    sender=type(self),
                    credentials={"username": user.get_username()},
                    request=self.request,
                )
            raise

    def _verify_token(self, user: Any, token: str, device: Device | None = None) -> Device:
        if device is not None:
            return super()._verify_token(user, token, device)  # type: ignore[misc]
        # Each candidate that rejects the code counts a failure on that device (its throttling).
        error = forms.ValidationError(
            self.otp_error_messages["invalid_token"], code="invalid_token"
        )
        for candidate in devices_for_token(user, token):
            try:
                return super()._verify_token(user, token, candidate)  # type: ignore[misc]
            except forms.ValidationError as e:
                error = e
        raise error


class StaffAuthenticationForm(SecondFactorFormMixin, OTPAuthenticationForm):
    """Username, password and a code (authenticator app or backup code)."""


class StaffAdminAuthenticationForm(SecondFactorFormMixin, OTPAdminAuthenticationForm):
    """The same for the admin site, which also requires ``is_staff``."""
