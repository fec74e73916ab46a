"""Approval applies the service's registry change in the same transaction."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dukcapil.applications import registry_effects, workflow
from dukcapil.applications.models import Application, Status
from dukcapil.applications.testing import make_application, make_household, verifier_of
from dukcapil.registry.choices import LifeStatus, MaritalStatus, Relationship
from dukcapil.registry.identifiers import parse_nik
from dukcapil.registry.models import Family, RegistryChange, Resident
from dukcapil.registry.selectors import family_members, get_resident_by_nik

pytestmark = pytest.mark.django_db


def _approve(app, verifier):
    app = workflow.claim(application=app, actor=verifier)
    return workflow.approve(application=app, actor=verifier)


def test_birth_adds_a_child_with_a_new_nik_to_the_family(verifier):
    household = make_household()
    app = _approve(make_application("AKTA_LAHIR", household=household), verifier)
    child = Resident.objects.get(pk=app.registry_result["resident_id"])
    assert child.family == household["family"]
    assert child.relationship == Relationship.CHILD
    born = timezone.localdate() - dt.timedelta(days=10)
    parsed = parse_nik(child.nik, sex="P", birth_date=born)
    assert parsed.kecamatan_prefix == "367301"
    assert child.changes.get().actor_label == verifier.label
    assert child in app.subjects.all()


def test_death_marks_the_resident_and_takes_them_off_the_card(verifier):
    household = make_household()
    _approve(make_application("AKTA_MATI", household=household), verifier)
    head = Resident.objects.get(pk=household["head"].pk)
    assert head.life_status == LifeStatus.DECEASED
    assert head.family is None
    assert head not in family_members(household["family"])


def test_data_change_updates_the_resident(verifier):
    household = make_household()
    _approve(make_application("KK_UBAH", household=household), verifier)
    head = Resident.objects.get(pk=household["head"].pk)
    assert head.occupation == "Wiraswasta"
    change = head.changes.filter(action=RegistryChange.Action.UPDATED).get()
    assert change.changes["occupation"] == ["Karyawan swasta", "Wiraswasta"]


def test_new_family_card_moves_the_members_to_a_new_family(verifier):
    household = make_household()
    app = _approve(make_application("KK_BARU", household=household), verifier)
    family = Family.objects.get(pk=app.registry_result["family_id"])
    child = Resident.objects.get(pk=household["child"].pk)
    assert child.family == family
    assert child.relationship == Relationship.HEAD
    assert family.desa_id == "36.73.02.1001"
    assert family.kk_number[:6] == "367302"


def test_marriage_and_divorce_change_the_marital_status(verifier):
    household = make_household()
    _approve(make_application("AKTA_CERAI", household=household), verifier)
    wife = Resident.objects.get(pk=household["wife"].pk)
    assert wife.marital_status == MaritalStatus.DIVORCED
    assert wife.marital_date == dt.date(2024, 1, 1)


def test_moving_in_from_outside_the_province_registers_the_newcomer(verifier):
    household = make_household()
    app = _approve(make_application("PINDAH_DATANG", household=household), verifier)
    newcomer = get_resident_by_nik("3174011505900003")
    assert newcomer.family_id == app.registry_result["family_id"]
    assert newcomer.relationship == Relationship.HEAD


def test_moving_within_the_province_is_one_flow_across_two_offices(verifier):
    """Kota Serang approves the move out; Kabupaten Tangerang receives the moving-in case."""
    household = make_household()
    app = _approve(make_application("PINDAH_KELUAR", household=household), verifier)
    child = Resident.objects.get(pk=household["child"].pk)
    assert child.family is None and child.life_status == LifeStatus.ALIVE
    arrival = Application.objects.get(tracking_number=app.registry_result["moving_in_application"])
    assert arrival.office_id == "36.03"
    assert arrival.status == Status.SUBMITTED
    assert arrival.origin == app
    tangerang = verifier_of("36.03")
    arrival = _approve(arrival, tangerang)
    child.refresh_from_db()
    assert child.family_id == arrival.registry_result["family_id"]
    assert child.family.desa.kecamatan.regency_id == "36.03"


def test_moving_out_of_the_province_marks_residents_moved_away(verifier):
    household = make_household()
    form = {"kepindahan": {"niks": [household["child"].nik], "destination_kecamatan": "31.74.01",
                           "destination_address": "Jalan Melati 1, Jakarta"}}  # fmt: skip
    _approve(make_application("PINDAH_KELUAR", household=household, form_data=form), verifier)
    child = Resident.objects.get(pk=household["child"].pk)
    assert child.life_status == LifeStatus.MOVED_AWAY and child.family is None


def test_a_failed_registry_change_leaves_everything_as_before(verifier, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    household = make_household()
    app = workflow.claim(
        application=make_application("AKTA_LAHIR", household=household), actor=verifier
    )
    counts = (Resident.objects.count(), RegistryChange.objects.count(),
              DBTaskResult.objects.count(), app.events.count())  # fmt: skip
    real_birth = registry_effects.birth

    def birth_then_fail(application, actor):
        real_birth(application, actor)  # the child is written …
        raise ValidationError("registry connector failed")  # … then something breaks

    monkeypatch.setitem(registry_effects.EFFECTS, "birth", birth_then_fail)
    with pytest.raises(ValidationError):
        workflow.approve(application=app, actor=verifier)
    app.refresh_from_db()
    assert app.status == Status.IN_REVIEW
    assert app.registry_result == {}
    assert (Resident.objects.count(), RegistryChange.objects.count(),
            DBTaskResult.objects.count(), app.events.count()) == counts  # fmt: skip


def test_an_application_keeps_the_service_version_it_was_submitted_under(verifier):
    from dukcapil.catalog.selectors import current_version
    from dukcapil.catalog.services import VERSIONED_FIELDS, publish_service_version

    app = make_application("KK_HILANG")
    v1 = current_version("KK_HILANG")
    fields = {f: getattr(v1, f) for f in VERSIONED_FIELDS}
    fields["service_level_days"] = 2
    v2 = publish_service_version(code="KK_HILANG", **fields)
    assert v2.version == 2 and current_version("KK_HILANG") == v2
    app.refresh_from_db()
    assert app.service_version == v1
    assert make_application("KK_HILANG").service_version == v2
