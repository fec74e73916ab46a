"""Tracking numbers: short, readable aloud on the phone, with a check character.

Nine characters from Crockford's base-32 alphabet (no I, L, O or U, so nothing is mistaken for 1,
0 or V), shown in groups of three: ``K7M-2QX-9PA``. The last character is a Luhn mod 32 check
character: a single wrong character and most swaps of two neighbours are caught before any lookup.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
BODY_LENGTH = 8


def _check_character(body: str) -> str:
    n = len(ALPHABET)
    total, factor = 0, 2
    for char in reversed(body):
        addend = factor * _VALUE[char]
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def new_tracking_number() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + _check_character(body)


def normalise(text: str) -> str | None:
    """The canonical 9-character form of what a person typed, or None when it cannot be a
    tracking number (wrong length, a character outside the alphabet, a wrong check character)."""
    raw = "".join(ch for ch in str(text).upper() if ch.isalnum()).translate(_ALIASES)
    if len(raw) != BODY_LENGTH + 1 or any(ch not in _VALUE for ch in raw):
        return None
    return raw if _check_character(raw[:-1]) == raw[-1] else None


def display(tracking_number: str) -> str:
    """``K7M2QX9PA`` → ``K7M-2QX-9PA``."""
    t = tracking_number
    return f"{t[0:3]}-{t[3:6]}-{t[6:9]}"
