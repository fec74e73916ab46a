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


def nul_at(value: Any, path: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """Where in JSON-like ``value`` a NUL character is (in a text or a key), or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        here = (*path, str(key).replace("\x00", "\\0"))
        if isinstance(key, str) and "\x00" in key:
            return here
        found = nul_at(item, here)
        if found is not None:
            return found
    return None
