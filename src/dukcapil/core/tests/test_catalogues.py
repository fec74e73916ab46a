"""Both languages are complete: every message of every app has its English translation, and the
compiled catalogues match their sources."""

from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(SRC.glob("*/locale/*/LC_MESSAGES/django.po"))


def _entries(po: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of a .po file; plural forms joined."""
    entries, msgid, msgstr, fuzzy, current = [], [], [], False, None
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            msgid, msgstr, current = [line[6:].strip('"')], [], msgid
            current = msgid
        elif line.startswith("msgid_plural"):
            msgid.append("\x00plural")  # marks a plural entry
            current = None
        elif line.startswith("msgstr"):
            msgstr.append(line.split(" ", 1)[1].strip('"'))
            current = msgstr
        elif line.startswith('"') and current is not None:
            current.append(line.strip('"'))
        elif not line.strip() and msgid:
            entries.append(("".join(msgid), "".join(msgstr), fuzzy))
            msgid, msgstr, fuzzy, current = [], [], False, None
    return [e for e in entries if e[0]]


def test_every_app_with_messages_has_both_catalogues():
    apps = {p.parts[-5] for p in CATALOGUES}
    assert {"core", "registry", "accounts", "applications", "desk"} <= apps
    for app in apps:
        assert (SRC / app / "locale/en/LC_MESSAGES/django.po").exists()
        assert (SRC / app / "locale/id/LC_MESSAGES/django.po").exists()


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: f"{p.parts[-5]}-{p.parts[-3]}")
def test_every_message_is_translated_and_none_is_fuzzy(po):
    missing = [msgid for msgid, msgstr, fuzzy in _entries(po) if not msgstr or fuzzy]
    assert missing == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: f"{p.parts[-5]}-{p.parts[-3]}")
def test_compiled_catalogue_matches_its_source(po):
    import gettext

    mo = po.with_suffix(".mo")
    assert mo.exists(), "run make messages"
    with mo.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    plain = [(i, s) for i, s, _ in _entries(po) if "\\" not in i + s and "\x00" not in i and s]
    stale = [msgid for msgid, msgstr in plain if compiled.gettext(msgid) != msgstr]
    assert stale == [], "run make messages"
