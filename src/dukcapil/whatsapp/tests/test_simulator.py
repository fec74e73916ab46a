"""The WhatsApp simulator page of the demo, in Chromium: the fake Graph server serves it, sends the
citizen's messages to the app as signed webhooks and shows what the app sent back."""

import time

import pytest

from dukcapil.whatsapp.fake import FakeGraph
from dukcapil.whatsapp.testing import run_tasks


def wait_for(page, predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run_tasks()  # the worker's part
        if predicate():
            return
        page.wait_for_timeout(200)
    raise AssertionError("timed out")


@pytest.mark.browser
# On SQLite the live server's thread shares the test's in-memory database connection: the worker
# run here (run_tasks) and the fake's webhooks there (the citizen's messages, the statuses of our
# replies) then use one connection at once ("cannot release savepoint - SQL statements in
# progress", seen in CI). PostgreSQL gives each thread its own connection.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_simulator_plays_the_citizen_end_to_end(browser_page, live_server, settings):
    fake = FakeGraph(token="sim-token", webhook_url=f"{live_server.url}/webhooks/whatsapp",
                     app_secret=settings.WHATSAPP_APP_SECRET).start()  # fmt: skip
    settings.WHATSAPP_API_BASE_URL = fake.url
    settings.WHATSAPP_ACCESS_TOKEN = "sim-token"
    try:
        page = browser_page
        page.goto(f"{fake.url}/")
        page.fill("#text", "halo")
        page.press("#text", "Enter")
        wait_for(page, lambda: page.locator(".msg.in .choices button").count() > 0)
        assert "Selamat datang" in page.locator(".msg.in").first.inner_text()
        # "Bantuan" is on the menu's last page (behind "Berikutnya" when the catalogue is
        # loaded; a transactional test run before this one may have flushed it).
        if page.locator(".choices button", has_text="Berikutnya").count():
            page.locator(".choices button", has_text="Berikutnya").first.click()
        wait_for(page, lambda: page.locator(".choices button", has_text="Bantuan").count() > 0)
        page.locator(".choices button", has_text="Bantuan").first.click()
        wait_for(page, lambda: "Layanan ini gratis" in page.locator("#chat").inner_text())
    finally:
        fake.stop()
