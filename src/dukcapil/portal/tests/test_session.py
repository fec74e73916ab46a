"""The citizen session: made by the identity check, short-lived, never someone else's case."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from dukcapil.applications.testing import make_application, make_household
from dukcapil.portal import session
from dukcapil.portal.tests.conftest import identity_answers

pytestmark = pytest.mark.django_db


def test_the_identity_check_gives_a_new_session_id_that_expires_soon(client, household):
    client.get(reverse("portal:identity"))
    client.session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("portal:identity"), identity_answers(household["head"]))
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert before != after
    assert client.session.get_expiry_age() <= session.SESSION_MINUTES * 60


def test_after_thirty_minutes_the_identity_check_is_asked_again(citizen):
    url = reverse("portal:apply", args=["KK_HILANG"])
    assert citizen.get(url).status_code == 200
    store = citizen.session
    entry = store[session.CITIZEN_KEY]
    entry["until"] = (timezone.now() - dt.timedelta(seconds=1)).isoformat()
    store[session.CITIZEN_KEY] = entry
    store.save()
    assert citizen.get(url).status_code == 302


def test_a_locked_identity_check_says_when_to_try_again(client, household):
    wrong = {**identity_answers(household["head"]), "birth_date": "1999-01-01"}
    for _ in range(5):
        assert client.post(reverse("portal:identity"), wrong).status_code == 400
    locked = client.post(reverse("portal:identity"), identity_answers(household["head"]))
    assert locked.status_code == 429
    assert "Coba lagi setelah" in locked.content.decode()


def test_a_citizen_never_opens_someone_elses_draft_or_status(citizen):
    theirs = make_application("KK_HILANG", household=make_household(), submit=False)
    assert citizen.get(reverse("portal:draft", args=[theirs.tracking_number])).status_code == 404
    assert citizen.get(reverse("portal:status", args=[theirs.tracking_number])).status_code == 404
    assert citizen.get(reverse("portal:receipt", args=[theirs.tracking_number])).status_code == 404


def test_the_next_address_after_the_check_stays_on_this_site(client, household):
    answers = {**identity_answers(household["head"]), "next": "https://evil.example/"}
    response = client.post(reverse("portal:identity"), answers)
    assert response["Location"] == reverse("portal:home")


def test_a_signed_in_citizen_finds_their_drafts_on_the_home_page(citizen, household):
    draft = make_application("KK_HILANG", household=household, submit=False)
    page = citizen.get("/").content.decode()
    assert "Permohonan Anda" in page
    assert reverse("portal:draft", args=[draft.tracking_number]) in page
    assert citizen.get(reverse("portal:draft", args=[draft.tracking_number])).status_code == 200
