import pytest

from dukcapil.whatsapp.fake import FakeGraph


@pytest.fixture
def fake_graph(settings):
    """The fake Graph API on a free port; the WhatsApp client is pointed at it."""
    fake = FakeGraph(token="test-token").start()
    settings.WHATSAPP_API_BASE_URL = fake.url
    settings.WHATSAPP_ACCESS_TOKEN = "test-token"
    settings.WHATSAPP_APP_SECRET = "test_app_secret"
    settings.WHATSAPP_RECIPIENT_SPACING_MS = 0
    settings.WHATSAPP_STATUS_GRACE_SECONDS = 60
    yield fake
    fake.stop()
