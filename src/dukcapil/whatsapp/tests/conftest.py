import pytest

from dukcapil.whatsapp import conversation


@pytest.fixture(autouse=True)
def whatsapp_settings(settings):
    """The app secret of the fixtures' signature vectors."""
    settings.WHATSAPP_APP_SECRET = "test_app_secret"
    settings.WHATSAPP_VERIFY_TOKEN = "verify-me"
    return settings


@pytest.fixture
def handled(monkeypatch):
    """Record what reaches the conversation engine instead of answering."""
    seen = []
    monkeypatch.setattr(
        conversation, "handle", lambda *, conversation, inbound: seen.append(inbound.wamid)
    )
    return seen
