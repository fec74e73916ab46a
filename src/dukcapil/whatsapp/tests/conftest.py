import pytest

from dukcapil.whatsapp import conversation
from dukcapil.whatsapp.fake import FakeGraph


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


@pytest.fixture
def fake_graph(settings):
    """The fake Graph API on a free port; the client is pointed at it."""
    fake = FakeGraph(token="test-token").start()
    settings.WHATSAPP_API_BASE_URL = fake.url
    settings.WHATSAPP_ACCESS_TOKEN = "test-token"
    settings.WHATSAPP_PHONE_NUMBER_ID = "100000000000001"
    yield fake
    fake.stop()
