"""The staff-only attachment view: streamed inline, never cached, only within the jurisdiction."""

import pytest
from django.urls import reverse

from dukcapil.accounts.models import Role
from dukcapil.applications.testing import PNG, make_application, make_household, make_staff

pytestmark = pytest.mark.django_db


def _url(attachment) -> str:
    return reverse("desk:attachment", args=[attachment.pk])


def test_an_attachment_is_streamed_inline_and_not_cached(as_user, verifier, application):
    attachment = application.attachments.get(requirement_code="ktp_kepala")
    response = as_user(verifier).get(_url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        f'inline; filename="{application.tracking_number}-ktp_kepala.png"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # for the PDF <iframe> of the review page


def test_the_regency_head_may_open_attachments_of_the_office(as_user, regency_head, application):
    attachment = application.attachments.first()
    assert as_user(regency_head).get(_url(attachment)).status_code == 200


def test_attachments_of_another_jurisdiction_are_not_found(as_user, verifier):
    theirs = make_application(household=make_household("36.03.01.2003"))
    for attachment in theirs.attachments.all():
        assert as_user(verifier).get(_url(attachment)).status_code == 404
    assert as_user(verifier).get(reverse("desk:attachment", args=[999_999])).status_code == 404


@pytest.mark.parametrize("role", [Role.PROVINCE_MONITOR, Role.KECAMATAN_OPERATOR])
def test_roles_outside_the_back_office_are_refused(as_user, application, role):
    kecamatan = "36.73.01" if role == Role.KECAMATAN_OPERATOR else None
    regency = "" if role == Role.PROVINCE_MONITOR else "36.73"
    user = make_staff(role, regency=regency, kecamatan=kecamatan)
    response = as_user(user).get(_url(application.attachments.first()))
    assert response.status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, application):
    response = client.get(_url(application.attachments.first()))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
