"""The form generated from the catalogue works for every service: the answers a valid application
needs, typed into the generated inputs, come back out as the same cleaned form data."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dukcapil.applications.models import Application, Status
from dukcapil.applications.requirements import clean_form_data
from dukcapil.applications.testing import PNG, form_data_for
from dukcapil.catalog.models import Service
from dukcapil.portal import fields

pytestmark = pytest.mark.django_db

SERVICES = [
    "KK_BARU", "KK_UBAH", "KK_HILANG", "KTP_BARU", "KTP_HILANG", "KTP_UBAH", "KIA",
    "AKTA_LAHIR", "AKTA_MATI", "PINDAH_KELUAR", "PINDAH_DATANG", "AKTA_KAWIN", "AKTA_CERAI",
]  # fmt: skip


def posted_answers(version, household) -> dict:
    post = {}
    for code, value in form_data_for(version.service.code, household).items():
        requirement = version.requirement(code)
        for part, text in fields.parts_from_value(requirement["field_type"], value).items():
            post[f"{code}__{part}"] = text
    for r in version.requirements:
        if r["kind"] == "upload" and not r.get("optional"):
            post[r["code"]] = SimpleUploadedFile(f"{r['code']}.png", PNG, content_type="image/png")
        if r["kind"] == "declaration":
            post[f"declaration__{r['code']}"] = "1"
    return {**post, "privacy": "1", "delivery": "pickup", "action": "submit"}


def test_the_list_covers_the_catalogue():
    assert set(SERVICES) == set(Service.objects.values_list("code", flat=True))


@pytest.mark.parametrize("code", SERVICES)
def test_every_service_can_be_applied_for_through_its_generated_form(code, citizen, household):
    from dukcapil.catalog.selectors import current_version

    version = current_version(code)
    page = citizen.get(reverse("portal:apply", args=[code])).content.decode()
    for r in version.requirements:
        if r["kind"] == "field":
            for part in fields.parts_of(r):
                assert f'name="{r["code"]}__{part.name}"' in page
    response = citizen.post(
        reverse("portal:apply", args=[code]), posted_answers(version, household)
    )
    assert response.status_code == 302, response.content.decode()[:4000]
    app = Application.objects.get()
    assert app.status == Status.SUBMITTED
    expected = clean_form_data(version, form_data_for(code, household))
    assert {k: v for k, v in app.form_data.items() if not k.startswith("_")} == expected


def test_a_choice_in_a_data_change_may_be_typed_as_its_label(citizen, household):
    from dukcapil.catalog.selectors import current_version

    version = current_version("KTP_UBAH")
    post = posted_answers(version, household)
    post.update({"perubahan__field": "education", "perubahan__value": "  diploma iv/strata i "})
    response = citizen.post(reverse("portal:apply", args=["KTP_UBAH"]), post)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Application.objects.get().form_data["perubahan"]["changes"] == {"education": "d4_s1"}
