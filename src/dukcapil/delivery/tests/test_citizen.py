"""What the citizen sees: the parcel's events in plain words on the status page and WhatsApp."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from dukcapil.applications.models import Application
from dukcapil.delivery import services, tracking
from dukcapil.delivery.providers.base import CourierEvent
from dukcapil.delivery.selectors import parcels_for_application
from dukcapil.delivery.tests.conftest import issued_application
from dukcapil.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _event(shipment, code: str, minutes: int, **kw) -> None:  # noqa: ANN001
    tracking.record_tracking_event(
        shipment=shipment,
        event=CourierEvent(receipt_number=shipment.receipt_number, code=code,
                           occurred_at=timezone.now() + dt.timedelta(minutes=minutes), **kw),
        source="webhook",
    )  # fmt: skip


def test_status_page_partial_tells_the_parcels_story_in_plain_words(fake_pos, dispatcher):
    app = issued_application()
    shipment = services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    _event(shipment, "picked_up", 10)
    _event(shipment, "out_for_delivery", 60)
    _event(shipment, "in_transit", 30)  # late news: left out of the story
    _event(shipment, "failed_attempt", 90, note="Rumah kosong")

    parcels = parcels_for_application(app)
    assert len(parcels) == 1
    words = [w for _when, w in parcels[0].events]
    assert words == [
        "Kurir belum berhasil mengantar dokumen Anda (Rumah kosong). Pengantaran akan dicoba lagi.",
        "Dokumen Anda sedang diantar kurir hari ini.",
        f"Dokumen Anda sudah diserahkan ke kantor pos ({words[2].split('(')[1]}",
        f"Dokumen Anda dikemas untuk dikirim lewat pos (resi {shipment.receipt_number}).",
    ]
    html = render_to_string("delivery/_citizen_parcels.html", {"parcels": parcels})
    assert shipment.receipt_number in html and "Rumah kosong" in html
    assert "Gagal diantar" in html  # the parcel's status label

    with translation.override("en"):
        english = render_to_string(
            "delivery/_citizen_parcels.html", {"parcels": parcels_for_application(app)}
        )
    assert "Post parcels" in english and "Delivery attempt failed" in english
    assert "Delivery will be tried again" in english


def test_partial_is_empty_without_parcels(db):
    assert render_to_string("delivery/_citizen_parcels.html", {"parcels": []}).strip() == ""


def test_whatsapp_messages_for_parcel_events_in_the_applicants_language(fake_pos, dispatcher):
    app = issued_application(channel="whatsapp")
    Application.objects.filter(pk=app.pk).update(language="en")
    shipment = services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    _event(shipment, "out_for_delivery", 10)
    message = Notification.objects.get(application=app, template="parcel_out_for_delivery")
    assert message.channel == "whatsapp" and message.language == "en"
    assert message.recipient == app.applicant_phone
    assert app.tracking_display in message.body
    assert "out for delivery" in message.body.lower()
    # The news is in the application's history too, without a change of status.
    history = message.event
    assert history.transition == "parcel"
    assert history.from_status == history.to_status == "in_delivery"
    assert history.data["receipt_number"] == shipment.receipt_number


def test_the_portal_status_page_shows_the_parcel(client, fake_pos, dispatcher, settings):
    from django.urls import reverse

    settings.DUKCAPIL_PORTAL_STATUS_PANELS = ["dukcapil.delivery.selectors.status_panel"]
    app = issued_application()
    shipment = services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    _event(shipment, "out_for_delivery", 10)
    opened = client.post(reverse("portal:status_lookup"), {
        "number": app.tracking_display,
        "birth_date": app.applicant.birth_date.isoformat(),
    })  # fmt: skip
    assert opened.status_code == 302
    page = client.get(reverse("portal:status", args=[app.tracking_number])).content.decode()
    assert shipment.receipt_number in page
    assert "Dokumen Anda sedang diantar kurir hari ini." in page
    # The parcel's news is in its panel, not repeated as a raw step of the timeline.
    from dukcapil.portal.selectors import timeline

    assert "parcel" not in [step.words for step in timeline(app)]


def test_no_panel_without_parcels(db):
    from dukcapil.applications.testing import make_application
    from dukcapil.delivery.selectors import status_panel

    assert status_panel(make_application()) is None
