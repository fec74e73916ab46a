import pytest
from django.db import connection
from django.db.utils import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_when_the_database_is_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_healthz_answers_503_when_the_database_is_not(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503


def test_pages_are_in_indonesian_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="id"' in response.text
    assert "tanpa antre" in response.text


def test_the_language_switch_turns_pages_into_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert 'lang="en"' in response.text
    assert "no queues" in response.text
    assert "tanpa antre" not in response.text


def test_every_page_offers_the_language_switch(client):
    assert 'name="language"' in client.get("/").text
    assert 'name="language"' in client.get("/staf/masuk/").text


def test_a_browser_that_prefers_english_still_gets_indonesian_until_the_switch(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="id"' in response.text
