"""The dispatch officer's journey in Chromium: book the post for issued documents, print the
label, watch the fake Pos deliver it through the webhook (PostgreSQL: a live server with
application events needs a transactional test)."""

from __future__ import annotations

import pytest
from django.test import Client

from dukcapil.accounts.testing import login_verified
from dukcapil.applications.models import Status
from dukcapil.delivery.models import Shipment
from dukcapil.delivery.tests.conftest import issued_application

pytestmark = [pytest.mark.browser, pytest.mark.postgres,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]  # fmt: skip


def test_officer_books_prints_and_sees_the_delivery(
    browser_page, live_server, fake_pos, dispatch_officer, settings
):
    settings.POS_CALLBACK_URL = f"{live_server.url}/webhooks/pos"
    app = issued_application()
    client = Client()
    login_verified(client, dispatch_officer)
    page = browser_page
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])  # fmt: skip
    page.goto("/kantor/pengiriman/")
    row = page.locator("tr", has_text=app.tracking_display)
    row.get_by_role("button", name="Pesan pengiriman").click()
    page.wait_for_url("**/kantor/pengiriman/*/")
    shipment = Shipment.objects.get(application=app)
    assert shipment.receipt_number in page.locator("h1").inner_text()

    with page.expect_response("**/label.pdf") as label:
        page.get_by_role("link", name="Cetak label (A6, PDF)").click()
    assert label.value.status == 200
    assert label.value.header_value("content-type") == "application/pdf"

    fake_pos.scan(shipment.receipt_number, "PICKED_UP", webhook=True)
    fake_pos.scan(shipment.receipt_number, "DELIVERED", webhook=True, receiver_name="Budi S")
    page.goto(f"/kantor/pengiriman/{shipment.pk}/")
    assert "Budi S" in page.locator("dl").inner_text()
    app.refresh_from_db()
    assert app.status == Status.COMPLETED
