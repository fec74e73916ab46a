"""Helpers for tests of the JSON API (synthetic people only)."""

from __future__ import annotations

import base64
from typing import Any

from django.test import Client

from dukcapil.api.keys import IssuedKey
from dukcapil.applications.testing import PNG, form_data_for
from dukcapil.catalog.selectors import current_version

SUBMIT_URL = "/api/v1/applications"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def submission(service: str = "KK_HILANG", *, household: dict, **overrides: Any) -> dict:
    """A complete, valid submission for the head of ``household``."""
    head = household["head"]
    version = current_version(service)
    body = {
        "service": service,
        "applicant": {
            "nik": head.nik,
            "kk_number": household["family"].kk_number,
            "birth_date": head.birth_date.isoformat(),
        },
        "applicant_relation": "self" if "self" in version.applicants else "family_member",
        "phone": "6281234567890",
        "form_data": form_data_for(service, household),
        "declarations": [r["code"] for r in version.requirements if r["kind"] == "declaration"],
        "privacy_acknowledged": True,
        "attachments": {
            r["code"]: {"content_base64": b64(PNG), "filename": f"{r['code']}.png"}
            for r in version.requirements
            if r["kind"] == "upload" and not r.get("optional")
        },
    }
    body.update(overrides)
    return body


def post_json(client: Client, url: str, body: Any, **headers: str):  # noqa: ANN201
    return client.post(url, body, content_type="application/json", headers=headers)


def bearer(issued: IssuedKey) -> dict[str, str]:
    return {"Authorization": f"Bearer {issued.key}"}
