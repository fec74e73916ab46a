"""The one hand-over service (operator console and dispatch pages): who may collect, what is
recorded, and that a refusal writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation

from dukcapil.accounts.models import Role
from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application, ApplicationEvent, Status
from dukcapil.applications.testing import make_application, make_household, make_staff
from dukcapil.desk.forms import HandOverForm
from dukcapil.desk.handover import hand_over
from dukcapil.registry.choices import LifeStatus
from dukcapil.registry.models import Resident

pytestmark = pytest.mark.django_db


def _issued(household: dict) -> Application:
    app = make_application(household=household)
    verifier = Actor.staff(make_staff(Role.VERIFIER, regency=app.office_id))
    workflow.claim(application=app, actor=verifier)
    workflow.approve(application=app, actor=verifier)
    signer = Actor.staff(make_staff(Role.SIGNING_OFFICIAL, regency=app.office_id))
    workflow.issue(application=app, actor=signer)
    app.refresh_from_db()
    return app


def _ready(household: dict) -> Application:
    app = _issued(household)
    dispatch = Actor.staff(make_staff(Role.DISPATCH_OFFICER, regency=app.office_id))
    return workflow.mark_ready_for_pickup(application=app, actor=dispatch)


@pytest.fixture
def operator(kecamatan_operator) -> Actor:
    return Actor.staff(kecamatan_operator)


def test_the_applicant_collects_and_the_event_records_who_when_and_for_whom(operator):
    household = make_household()
    app = _ready(household)
    head = household["head"]
    done = hand_over(application=app, actor=operator, collector_nik=head.nik,
                     collector_birth_date=head.birth_date, collector_relation="self",
                     context={"receipt_number": "P123", "collector_name": "forged"})  # fmt: skip
    assert done.status == Status.COMPLETED
    event = done.events.get(transition="complete")
    assert event.actor == operator.user
    assert event.data["collector_resident_id"] == head.pk
    assert event.data["collector_name"] == head.name  # the context cannot override identity
    assert event.data["collector_is_applicant"] is True
    assert event.data["collector_relation"] == "self"
    assert event.data["for_name"] == head.name and event.data["place"] == "kecamatan"
    assert event.data["receipt_number"] == "P123"
    assert head.nik not in str(event.data) and event.data["collector_nik"].endswith(head.nik[-4:])
    assert "kantor kecamatan" in event.note


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("not_ready", "invalid_transition"),
        ("wrong_birth_date", "collector_unknown"),
        ("short_nik", "collector_unknown"),
        ("not_family", "collector_not_family"),
        ("relation_contradicts", "relation_mismatch"),
        ("relation_unknown", "relation_unknown"),
        ("deceased", "collector_unknown"),
    ],
)
def test_refusals_write_nothing(operator, case, code):
    household = make_household()
    app = _issued(household) if case == "not_ready" else _ready(household)
    wife, stranger = household["wife"], make_household()["head"]
    nik, birth_date, relation = {
        "not_ready": (wife.nik, wife.birth_date, ""),
        "wrong_birth_date": (wife.nik, wife.birth_date + dt.timedelta(days=1), ""),
        "short_nik": (wife.nik[:15], wife.birth_date, ""),
        "not_family": (stranger.nik, stranger.birth_date, ""),
        "relation_contradicts": (wife.nik, wife.birth_date, "self"),
        "relation_unknown": (wife.nik, wife.birth_date, "tetangga"),
        "deceased": (wife.nik, wife.birth_date, ""),
    }[case]
    if case == "deceased":
        Resident.objects.filter(pk=wife.pk).update(life_status=LifeStatus.DECEASED)
    status, events = app.status, ApplicationEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        hand_over(application=app, actor=operator, collector_nik=nik,
                  collector_birth_date=birth_date, collector_relation=relation)  # fmt: skip
    assert refused.value.code == code
    assert Application.objects.get(pk=app.pk).status == status
    assert ApplicationEvent.objects.count() == events


def test_the_applicant_stated_as_a_relative_is_refused(operator):
    household = make_household()
    app = _ready(household)
    head = household["head"]
    with pytest.raises(ValidationError) as refused:
        hand_over(application=app, actor=operator, collector_nik=head.nik,
                  collector_birth_date=head.birth_date, collector_relation="child")  # fmt: skip
    assert refused.value.code == "relation_mismatch"
    assert not app.events.filter(transition="complete").exists()


def test_a_case_outside_the_jurisdiction_is_not_found_before_the_registry_is_asked():
    household = make_household("36.03.01.2003")  # Kabupaten Tangerang
    app = _ready(household)
    serang = Actor.staff(make_staff(Role.DISPATCH_OFFICER, regency="36.73"))
    wife = household["wife"]
    with pytest.raises(Http404):
        hand_over(application=app, actor=serang, collector_nik=wife.nik,
                  collector_birth_date=wife.birth_date)  # fmt: skip
    assert Application.objects.get(pk=app.pk).status == Status.READY_FOR_PICKUP


def test_refusals_read_in_english(operator):
    household = make_household()
    app = _ready(household)
    stranger = make_household()["head"]
    with translation.override("en"):
        with pytest.raises(ValidationError) as unknown:
            hand_over(application=app, actor=operator, collector_nik="3673010101010001",
                      collector_birth_date=dt.date(1990, 1, 1))  # fmt: skip
        with pytest.raises(ValidationError) as not_family:
            hand_over(application=app, actor=operator, collector_nik=stranger.nik,
                      collector_birth_date=stranger.birth_date)  # fmt: skip
    assert "do not match the population records" in unknown.value.messages[0]
    assert "same family card" in not_family.value.messages[0]


def test_the_form_takes_the_printed_date_and_an_optional_relation():
    form = HandOverForm(
        {"collector_nik": "3673 0141 0788 0001", "collector_birth_date": "01-07-1988"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["collector_birth_date"] == dt.date(1988, 7, 1)
    assert form.cleaned_data["collector_relation"] == ""
    assert not HandOverForm({"collector_nik": "1", "collector_birth_date": "x"}).is_valid()
