"""The back office speaks Indonesian by default and English after the language switch."""

import pytest
from django.urls import reverse

from dukcapil.applications.models import Application, Status
from dukcapil.desk.tests.conftest import review_url

pytestmark = pytest.mark.django_db


def _in_english(client, url: str):
    return client.post("/i18n/setlang/", {"language": "en", "next": url}, follow=True)


def test_the_queue_is_in_indonesian_by_default(as_user, verifier, application):
    text = as_user(verifier).get(reverse("desk:queue")).text
    assert 'lang="id"' in text
    assert "Antrean verifikasi" in text
    assert "Ambil berikutnya" in text


def test_the_queue_turns_english_with_the_language_switch(as_user, verifier, application):
    response = _in_english(as_user(verifier), reverse("desk:queue"))
    assert response.status_code == 200
    text = response.text
    assert 'lang="en"' in text
    assert "Verification queue" in text
    assert "Take next" in text
    assert "Tracking number" in text
    assert "Antrean verifikasi" not in text
    assert application.service_version.name_en in text


def test_the_review_page_turns_english(as_user, verifier, application):
    response = _in_english(as_user(verifier), review_url(application))
    text = response.text
    assert 'lang="en"' in text
    assert "Requirements" in text
    assert "Take for review" in text
    assert "History" in text
    assert "Persyaratan" not in text
    for requirement in application.service_version.requirements:
        assert requirement["label"]["en"] in text


def test_refusals_are_in_english_too(as_user, verifier, application):
    client = as_user(verifier)
    _in_english(client, reverse("desk:queue"))
    response = client.post(reverse("desk:take_next"), follow=True)
    assert Application.objects.get(pk=application.pk).status == Status.IN_REVIEW
    response = client.post(reverse("desk:take_next"), follow=True)
    assert "The queue is empty." in response.text
