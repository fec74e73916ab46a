"""Phone numbers as the system keeps them: E.164 digits without the '+' (WhatsApp's ``wa_id``)."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-().]")
_E164_DIGITS = re.compile(r"[1-9]\d{7,14}")


def normalise_phone(value: str) -> str | None:
    """``value`` as E.164 digits (``0812 3456 7890`` → ``6281234567890``; a leading 0 is a
    domestic Indonesian number), or None when it is not a phone number."""
    digits = _SEPARATORS.sub("", value or "").removeprefix("+")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits if _E164_DIGITS.fullmatch(digits) else None
