"""Cloud API message bodies, built within Meta's limits.

Titles longer than Meta allows are shortened (with an ellipsis) rather than refused by the Graph
API; choices beyond what one message carries are paged by :func:`list_pages` or split by
:func:`button_groups`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TEXT_MAX = 4096
BUTTONS_MAX = 3
BUTTON_TITLE_MAX = 20
BUTTON_ID_MAX = 256
BUTTON_BODY_MAX = 1024
FOOTER_MAX = 60
HEADER_MAX = 60
LIST_ROWS_MAX = 10
LIST_SECTIONS_MAX = 10
LIST_BUTTON_MAX = 20
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
ROW_ID_MAX = 200
SECTION_TITLE_MAX = 24
LIST_BODY_MAX = 4096


def clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split()) if limit < 100 else str(text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Row:
    id: str
    title: str
    description: str = ""


def _envelope(to: str, kind: str, body: dict[str, Any], callback: str = "") -> dict[str, Any]:
    payload: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": kind,
        kind: body,
    }
    if callback:
        payload["biz_opaque_callback_data"] = callback[:512]
    return payload


def text(to: str, body: str, *, callback: str = "") -> dict[str, Any]:
    return _envelope(to, "text", {"preview_url": False, "body": clip(body, TEXT_MAX)}, callback)


def _interactive_extras(header: str, footer: str) -> dict[str, Any]:
    extras: dict[str, Any] = {}
    if header:
        extras["header"] = {"type": "text", "text": clip(header, HEADER_MAX)}
    if footer:
        extras["footer"] = {"text": clip(footer, FOOTER_MAX)}
    return extras


def buttons(
    to: str, body: str, choices: list[Row], *, header: str = "", footer: str = ""
) -> dict[str, Any]:
    """Reply buttons: at most 3, titles of at most 20 characters and unique."""
    if not 1 <= len(choices) <= BUTTONS_MAX:
        raise ValueError(f"reply buttons: 1 to {BUTTONS_MAX} choices, not {len(choices)}")
    titles = [clip(c.title, BUTTON_TITLE_MAX) for c in choices]
    if len(set(titles)) != len(titles):
        raise ValueError(f"reply button titles must be unique: {titles}")
    return _envelope(to, "interactive", {
        "type": "button",
        **_interactive_extras(header, footer),
        "body": {"text": clip(body, BUTTON_BODY_MAX)},
        "action": {"buttons": [
            {"type": "reply", "reply": {"id": c.id[:BUTTON_ID_MAX], "title": t}}
            for c, t in zip(choices, titles, strict=True)
        ]},
    })  # fmt: skip


def list_message(
    to: str,
    body: str,
    rows: list[Row],
    *,
    button: str,
    section_title: str = "",
    header: str = "",
    footer: str = "",
) -> dict[str, Any]:
    """A list of at most 10 rows in one section (see :func:`list_pages` for more)."""
    if not 1 <= len(rows) <= LIST_ROWS_MAX:
        raise ValueError(f"list: 1 to {LIST_ROWS_MAX} rows, not {len(rows)}")
    section: dict[str, Any] = {"rows": [_row(r) for r in rows]}
    if section_title:
        section["title"] = clip(section_title, SECTION_TITLE_MAX)
    return _envelope(to, "interactive", {
        "type": "list",
        **_interactive_extras(header, footer),
        "body": {"text": clip(body, LIST_BODY_MAX)},
        "action": {"button": clip(button, LIST_BUTTON_MAX), "sections": [section]},
    })  # fmt: skip


def _row(row: Row) -> dict[str, str]:
    item = {"id": row.id[:ROW_ID_MAX], "title": clip(row.title, ROW_TITLE_MAX)}
    if row.description:
        item["description"] = clip(row.description, ROW_DESCRIPTION_MAX)
    return item


def list_pages(rows: list[Row], *, page: int, more: Row, back: Row | None) -> list[Row]:
    """Rows of page ``page`` (from 0) of a long list, with a "more" row (and a "back" row after
    the first page) so that no page holds more than 10 rows. ``more.id``/``back.id`` get the
    target page number appended."""
    pages: list[list[Row]] = []
    rest = list(rows)
    while rest:
        first = not pages
        room = LIST_ROWS_MAX - (0 if first else 1)
        if len(rest) <= room:
            pages.append(rest)
            break
        pages.append(rest[: room - 1])
        rest = rest[room - 1 :]
    page = max(0, min(page, len(pages) - 1))
    result = list(pages[page]) if pages else []
    if page > 0 and back is not None:
        result.insert(0, Row(f"{back.id}{page - 1}", back.title, back.description))
    if page < len(pages) - 1:
        result.append(Row(f"{more.id}{page + 1}", more.title, more.description))
    return result


def template(
    to: str, name: str, language: str, parameters: list[str], *, callback: str = ""
) -> dict[str, Any]:
    """An approved template with positional body parameters (order and count as approved)."""
    body: dict[str, Any] = {"name": name, "language": {"code": language}}
    if parameters:
        body["components"] = [{"type": "body", "parameters": [
            {"type": "text", "text": clip(p, 1024) or "-"} for p in parameters]}]  # fmt: skip
    return _envelope(to, "template", body, callback)


def document(
    to: str, *, media_id: str = "", link: str = "", filename: str, caption: str = "",
    callback: str = "",
) -> dict[str, Any]:  # fmt: skip
    if bool(media_id) == bool(link):
        raise ValueError("a document is sent by media id or by link, one of them")
    body: dict[str, Any] = {"id": media_id} if media_id else {"link": link}
    body["filename"] = filename
    if caption:
        body["caption"] = clip(caption, 1024)
    return _envelope(to, "document", body, callback)


def summary(payload: dict[str, Any]) -> str:
    """What the operator inbox shows of a message we sent."""
    kind = payload.get("type")
    if kind == "text":
        return payload["text"]["body"]
    if kind == "interactive":
        inner = payload["interactive"]
        choices = [b["reply"]["title"] for b in inner["action"].get("buttons", [])] + [
            r["title"] for s in inner["action"].get("sections", []) for r in s["rows"]
        ]
        return f"{inner['body']['text']}\n[{' | '.join(choices)}]"
    if kind == "template":
        params = [
            p["text"] for c in payload["template"].get("components", []) for p in c["parameters"]
        ]
        return f"[{payload['template']['name']}] {' / '.join(params)}"
    if kind == "document":
        return f"[{payload['document'].get('filename', 'dokumen')}]"
    return f"[{kind}]"
