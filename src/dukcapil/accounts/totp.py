"""Codes of a TOTP device as its authenticator app computes them (for demos and tests)."""

from __future__ import annotations

import time

from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice


def _step(device: TOTPDevice, at: float | None = None) -> int:
    now = time.time() if at is None else at
    return (int(now) - device.t0) // device.step + device.drift


def _code(device: TOTPDevice, step: int) -> str:
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def current_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code shown now (or at Unix time ``at``)."""
    return _code(device, _step(device, at))


def unused_code(device: TOTPDevice) -> str:
    """A code the device accepts now although this step's code may already have been used.

    The server refuses a code of a step it has accepted before (replay), and accepts the next step
    within its tolerance; so a test that logs in twice within 30 seconds takes the next one.
    """
    device.refresh_from_db()
    now = _step(device)
    step = max(now, device.last_t + 1)
    if step > now + device.tolerance:
        raise RuntimeError("no unused code before the next time step")
    return _code(device, step)
