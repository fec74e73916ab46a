import pytest
from django.core.exceptions import ImproperlyConfigured

from dukcapil.accounts.models import Role
from dukcapil.accounts.selectors import is_in_jurisdiction, register_scope, scope_to_jurisdiction
from dukcapil.accounts.testing import make_staff
from dukcapil.regions.models import Desa, Kecamatan, Regency
from dukcapil.registry.models import Family, Resident
from dukcapil.registry.testing import make_family, make_resident

SERANG = "36.73.01.1001"  # Kecamatan Serang, Kota Serang
KASEMEN = "36.73.02.1001"  # Kecamatan Kasemen, Kota Serang
BALARAJA = "36.03.01.1001"  # Kecamatan Balaraja, Kabupaten Tangerang


@pytest.fixture
def families(db):
    """One family with one resident in each of three kecamatan of two regencies."""
    made = {}
    for desa in (SERANG, KASEMEN, BALARAJA):
        family = make_family(desa_code=desa)
        make_resident(family=family)
        made[desa] = family
    return made


def visible_desa(model, user):
    field = "desa_id" if model is Family else "family__desa_id"
    return set(scope_to_jurisdiction(model.objects.all(), user=user).values_list(field, flat=True))


@pytest.mark.django_db
def test_kecamatan_operator_sees_only_their_kecamatan(families, kecamatan_operator):
    assert visible_desa(Family, kecamatan_operator) == {SERANG}
    assert visible_desa(Resident, kecamatan_operator) == {SERANG}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.VERIFIER, Role.SIGNING_OFFICIAL, Role.DISPATCH_OFFICER, Role.REGENCY_HEAD]
)
def test_regency_staff_see_every_kecamatan_of_their_regency_only(families, role):
    user = make_staff(role, regency="36.73")
    assert visible_desa(Family, user) == {SERANG, KASEMEN}
    assert visible_desa(Resident, user) == {SERANG, KASEMEN}


@pytest.mark.django_db
def test_verifier_of_another_regency_sees_none_of_the_first_regencys_families(
    families, other_regency_verifier
):
    families_seen = scope_to_jurisdiction(Family.objects.all(), user=other_regency_verifier)
    assert not families_seen.filter(desa__kecamatan__regency_id="36.73").exists()
    assert visible_desa(Family, other_regency_verifier) == {BALARAJA}
    assert not is_in_jurisdiction(families[SERANG], user=other_regency_verifier)
    assert is_in_jurisdiction(families[BALARAJA], user=other_regency_verifier)


@pytest.mark.django_db
def test_province_administrator_sees_the_whole_served_province_and_nothing_beyond(
    families, administrator
):
    assert visible_desa(Family, administrator) == {SERANG, KASEMEN, BALARAJA}
    kecamatan = scope_to_jurisdiction(Kecamatan.objects.all(), user=administrator)
    assert kecamatan.filter(code="36.73.01").exists()
    assert not kecamatan.exclude(code__startswith="36.").exists()
    assert not kecamatan.filter(code="31.71.01").exists()  # Jakarta: another province


@pytest.mark.django_db
def test_province_monitor_gets_no_personal_rows_but_does_get_regions(families, province_monitor):
    assert not scope_to_jurisdiction(Resident.objects.all(), user=province_monitor).exists()
    assert not scope_to_jurisdiction(Family.objects.all(), user=province_monitor).exists()
    regencies = scope_to_jurisdiction(Regency.objects.all(), user=province_monitor)
    assert set(regencies.values_list("code", flat=True)) >= {"36.03", "36.73"}
    assert not regencies.exclude(province_id="36").exists()


@pytest.mark.django_db
def test_users_without_jurisdiction_or_inactive_or_anonymous_see_nothing(families):
    from django.contrib.auth.models import AnonymousUser

    inactive = make_staff(Role.VERIFIER, regency="36.73", is_active=False)
    no_jurisdiction = make_staff(Role.VERIFIER)
    no_jurisdiction.jurisdiction_level = ""
    no_jurisdiction.save()
    no_role = make_staff("", regency="36.73")
    for user in (inactive, no_jurisdiction, no_role, AnonymousUser(), None):
        assert not scope_to_jurisdiction(Family.objects.all(), user=user).exists()
        assert not scope_to_jurisdiction(Desa.objects.all(), user=user).exists()


@pytest.mark.django_db
def test_resident_without_family_drops_out_of_every_list(families, verifier, administrator):
    resident = Resident.objects.get(family=families[SERANG])
    Resident.objects.filter(pk=resident.pk).update(family=None, life_status="dead")
    for user in (verifier, administrator):
        assert (
            not scope_to_jurisdiction(Resident.objects.all(), user=user)
            .filter(pk=resident.pk)
            .exists()
        )


@pytest.mark.django_db
def test_region_models_are_scoped_too(kecamatan_operator, verifier):
    desa = scope_to_jurisdiction(Desa.objects.all(), user=kecamatan_operator)
    assert set(desa.values_list("kecamatan_id", flat=True)) == {"36.73.01"}
    kecamatan = scope_to_jurisdiction(Kecamatan.objects.all(), user=verifier)
    assert set(kecamatan.values_list("regency_id", flat=True)) == {"36.73"}
    # A regency is wider than a kecamatan: kecamatan staff do not list regencies.
    assert not scope_to_jurisdiction(Regency.objects.all(), user=kecamatan_operator).exists()
    regencies = scope_to_jurisdiction(Regency.objects.all(), user=verifier)
    assert list(regencies.values_list("code", flat=True)) == ["36.73"]


@pytest.mark.django_db
def test_a_model_without_a_registered_scope_is_refused(verifier):
    from dukcapil.regions.models import Province

    with pytest.raises(ImproperlyConfigured):
        scope_to_jurisdiction(Province.objects.all(), user=verifier)


def test_register_scope_needs_a_path():
    with pytest.raises(ImproperlyConfigured):
        register_scope("regions.Province", kecamatan_path=None)


@pytest.mark.django_db
def test_register_scope_takes_a_regency_path_different_from_the_kecamatans(verifier):
    # A staff list of users, owned by their regency: kecamatan__regency would miss regency-level
    # staff, whose kecamatan is empty.
    from dukcapil.accounts.models import User
    from dukcapil.accounts.selectors import _SCOPES, _label

    register_scope(User, kecamatan_path="kecamatan", regency_path="regency")
    try:
        other = make_staff(Role.VERIFIER, regency="36.03")
        operator = make_staff(Role.KECAMATAN_OPERATOR, kecamatan="36.73.02")
        seen = set(scope_to_jurisdiction(User.objects.all(), user=verifier))
        assert verifier in seen and operator in seen and other not in seen
    finally:
        del _SCOPES[_label(User)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona",
    [
        "kecamatan_operator",
        "verifier",
        "other_regency_verifier",
        "province_monitor",
        "administrator",
    ],
)
def test_opening_one_row_follows_the_same_rules_as_the_lists(families, persona, request):
    user = request.getfixturevalue(persona)
    for model in (Family, Resident):
        listed = set(scope_to_jurisdiction(model.objects.all(), user=user))
        for row in model.objects.all():
            assert is_in_jurisdiction(row, user=user) == (row in listed)


@pytest.mark.django_db
def test_a_row_not_saved_yet_is_judged_by_its_region(kecamatan_operator, verifier):
    family = Family(desa=Desa.objects.get(code=KASEMEN))
    assert is_in_jurisdiction(family, user=verifier)
    assert not is_in_jurisdiction(family, user=kecamatan_operator)
    assert not is_in_jurisdiction(Resident(), user=verifier)  # no family, no desa
