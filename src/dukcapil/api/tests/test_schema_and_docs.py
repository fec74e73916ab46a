"""The OpenAPI schema documents the API; the docs page loads nothing from another host."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_loads_and_documents_every_endpoint(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert set(paths) == {
        "/api/v1/applications",
        "/api/v1/applications/{tracking_number}/status",
        "/api/v1/staff/applications",
        "/api/v1/staff/applications/{tracking_number}",
        "/api/v1/staff/applications/{tracking_number}/{action}",
        "/api/v1/staff/queue/claim-next",
    }
    submit = paths["/api/v1/applications"]["post"]
    assert {"201", "400", "401", "404", "409", "422"} <= set(submit["responses"])
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in submit["parameters"])
    assert {next(iter(s)) for s in submit["security"]} == {
        "BearerApiKey", "HeaderApiKey", "StaffSession"
    }  # fmt: skip
    assert "security" not in paths["/api/v1/applications/{tracking_number}/status"]["get"]
    assert schema["components"]["securitySchemes"]["BearerApiKey"]["scheme"] == "bearer"
    body = schema["components"]["schemas"]["SubmitIn"]
    assert {"service", "applicant", "attachments", "form_data"} <= set(body["properties"])
    assert {"detail", "errors"} <= set(schema["components"]["schemas"]["Error"]["properties"])


def test_the_docs_page_references_only_local_static_files(client):
    response = client.get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert urls, html
    for url in urls:
        assert url.startswith(("/static/api/", "data:")), url
    assert "//" not in "".join(u for u in urls if not u.startswith("data:"))
    assert not re.search(r"https?://", html)
    # the files it names are there to be served
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "docs.js"):
        assert f"/static/api/{name}" in html
        assert finders.find(f"api/{name}")
    assert '"validatorUrl": null' in html  # no badge fetched from validator.swagger.io
    assert '"url": "/api/openapi.json"' in html
