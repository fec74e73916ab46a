"""The dashboard in Chromium on a phone-sized screen, with data: a screenshot kept as a test
artifact (var/artifacts/dashboard-province.png)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from dukcapil.accounts.models import Role
from dukcapil.accounts.testing import login_verified, make_staff
from dukcapil.dashboard.history import sample_rollups

ARTIFACTS = Path(__file__).resolve().parents[4] / "var" / "artifacts"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_dashboard_with_data_in_a_phone_browser(browser_page, live_server):
    assert sample_rollups(600) > 1000
    monitor = make_staff(Role.PROVINCE_MONITOR, username="pemantau.layar")
    client = Client()
    login_verified(client, monitor)
    page = browser_page
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])  # fmt: skip
    page.goto("/dasbor/")
    assert page.locator("h1").inner_text().startswith("Dasbor layanan")
    assert page.locator("svg.chart").count() == 3
    assert page.locator(".grid li").count() == 155
    assert page.locator("#kabupaten tbody tr").count() == 8
    # Readable on a phone: nothing wider than the screen but the scrollable tables.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "dashboard-province.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
