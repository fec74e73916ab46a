"""Text from outside that the database must be able to keep."""

from __future__ import annotations

from typing import Any


def without_nul(value: Any) -> Any:
    """Decoded JSON ``value`` with every NUL character taken out of its texts and keys
    (PostgreSQL refuses NUL in text and in JSON)."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    return value
