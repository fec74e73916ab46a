"""Bad input: a clear refusal, nothing half-written, the case stays where it was."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from dukcapil.applications.models import Application, Status
from dukcapil.applications.testing import make_application
from dukcapil.delivery import services
from dukcapil.delivery.models import CourierCall, Shipment
from dukcapil.delivery.providers.base import CourierError
from dukcapil.delivery.tests.conftest import issued_application

pytestmark = pytest.mark.django_db

GOOD = {"desa": "36.73.01.1001", "rt": "3", "rw": "4", "address": "Jalan Melati 5",
        "postal_code": "42117"}  # fmt: skip


def _nothing_written(app: Application, fake_pos) -> None:  # noqa: ANN001
    app.refresh_from_db()
    assert app.status == Status.ISSUED
    assert not Shipment.objects.exists()
    assert not fake_pos.parcels  # the courier was never called
    assert not CourierCall.objects.exists()


@pytest.mark.parametrize(
    ("address", "field", "words"),
    [
        ({**GOOD, "desa": "31.71.01.1001"}, "desa", "wilayah provinsi ini"),  # Jakarta
        ({**GOOD, "desa": "36.73.01.9999"}, "desa", "wilayah provinsi ini"),  # no such desa
        ({**GOOD, "postal_code": ""}, "postal_code", "Kode pos wajib diisi"),
        ({**GOOD, "postal_code": "4211"}, "postal_code", "5 angka"),
        ({**GOOD, "rt": "tiga"}, "rt", "RT dan RW"),
        ({**GOOD, "address": "   "}, "address", "Alamat jalan"),
    ],
)
def test_bad_address_is_refused_before_the_courier_is_called(
    fake_pos, dispatcher, address, field, words
):
    app = issued_application()
    with pytest.raises(ValidationError) as refused:
        services.create_shipment(
            application=app, direction="delivery", actor=dispatcher, address=address
        )
    assert words in " ".join(refused.value.message_dict[field])
    _nothing_written(app, fake_pos)


def test_the_applicants_own_address_is_checked_too(fake_pos, dispatcher):
    app = issued_application()
    Application.objects.filter(pk=app.pk).update(delivery_address={**GOOD, "postal_code": ""})
    with pytest.raises(ValidationError) as refused:
        services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    assert "postal_code" in refused.value.message_dict
    _nothing_written(app, fake_pos)


def test_refusals_read_in_english_too(fake_pos, dispatcher):
    app = issued_application()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.create_shipment(
            application=app, direction="delivery", actor=dispatcher,
            address={**GOOD, "postal_code": ""},
        )  # fmt: skip
    assert "postal code" in refused.value.message_dict["postal_code"][0].lower()


def test_an_address_given_by_the_applicant_is_used_and_recorded(fake_pos, dispatcher):
    app = issued_application()
    other = {**GOOD, "desa": "36.73.02.1001", "postal_code": "42118"}
    Application.objects.filter(pk=app.pk).update(delivery_address=other)
    shipment = services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    assert (shipment.desa_id, shipment.postal_code, shipment.address_source) == (
        "36.73.02.1001", "42118", "applicant")  # fmt: skip
    assert shipment.rt == "003" and shipment.rw == "004"


def test_documents_not_issued_yet_cannot_be_shipped(fake_pos, dispatcher):
    app = make_application()
    with pytest.raises(ValidationError, match="belum dapat dikirim"):
        services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    assert not fake_pos.parcels


def test_pickup_at_the_office_chosen_means_no_delivery(fake_pos, dispatcher):
    app = issued_application(delivery_method="pickup")
    with pytest.raises(ValidationError, match="mengambil dokumen di kantor kecamatan"):
        services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    _nothing_written(app, fake_pos)


def test_a_second_booking_of_the_same_documents_is_refused(fake_pos, dispatcher):
    app = issued_application()
    services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    with pytest.raises(ValidationError, match="masih berjalan"):
        services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    assert len(fake_pos.parcels) == 1


def test_courier_down_leaves_nothing_and_says_try_again(fake_pos, dispatcher):
    app = issued_application()
    fake_pos.fail_next = [503]
    with pytest.raises(CourierError) as failed:
        services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    assert failed.value.permanent is False
    app.refresh_from_db()
    assert app.status == Status.ISSUED and not Shipment.objects.exists()
    assert CourierCall.objects.get().status_code == 503  # every call is logged


def test_wrong_token_is_a_permanent_refusal(fake_pos, dispatcher, settings):
    settings.POS_API_TOKEN = "salah"
    app = issued_application()
    with pytest.raises(CourierError) as failed:
        services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    assert failed.value.permanent is True and failed.value.status == 401
    assert not Shipment.objects.exists()


def test_staff_of_another_regency_cannot_ship(fake_pos):
    from django.http import Http404

    from dukcapil.accounts.models import Role
    from dukcapil.applications.actors import Actor
    from dukcapil.applications.testing import make_staff

    app = issued_application()
    stranger = Actor.staff(make_staff(Role.DISPATCH_OFFICER, regency="36.03"))
    with pytest.raises(Http404):
        services.create_shipment(application=app, direction="delivery", actor=stranger)
    _nothing_written(app, fake_pos)


def test_a_booking_that_cannot_be_written_is_cancelled_at_the_courier(
    fake_pos, dispatcher, settings
):
    from dukcapil.delivery.providers.pos.fake import FakePosServer
    from dukcapil.delivery.tests.conftest import SECRET, TOKEN

    first = services.create_shipment(
        application=issued_application(), direction="delivery", actor=dispatcher
    )
    app = issued_application()
    # A second Pos whose counter starts again hands out a resi we already hold.
    with FakePosServer(token=TOKEN, secret=SECRET) as other_pos:
        settings.POS_API_BASE_URL = other_pos.url
        with pytest.raises(ValidationError, match="sudah dipakai"):
            services.create_shipment(application=app, direction="delivery", actor=dispatcher)
        assert other_pos.parcels[first.receipt_number]["events"][-1]["code"] == "CANCELLED"
    app.refresh_from_db()
    assert app.status == Status.ISSUED
    assert list(Shipment.objects.values_list("pk", flat=True)) == [first.pk]
