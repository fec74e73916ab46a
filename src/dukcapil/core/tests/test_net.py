"""The client's address behind trusted reverse proxies, never one the client wrote itself."""

import pytest
from django.test import RequestFactory

from dukcapil.core.net import client_ip

CASES = [
    # trusted proxies, X-Forwarded-For, REMOTE_ADDR → the address the throttles count
    (0, "198.51.100.7", "10.0.0.2", "10.0.0.2"),  # no proxy: the header is the client's, ignored
    (1, "198.51.100.7", "10.0.0.2", "198.51.100.7"),
    (1, "203.0.113.9, 198.51.100.7", "10.0.0.2", "198.51.100.7"),  # left entry forged
    (2, "203.0.113.9, 198.51.100.7, 10.0.0.5", "10.0.0.2", "198.51.100.7"),
    (2, "198.51.100.7", "10.0.0.2", "10.0.0.2"),  # shorter than promised
    (1, "not-an-ip", "10.0.0.2", "10.0.0.2"),
    (1, "", "10.0.0.2", "10.0.0.2"),
    (1, "2001:db8::1", "10.0.0.2", "2001:db8::1"),
]


@pytest.mark.parametrize(("proxies", "forwarded", "remote", "expected"), CASES)
def test_client_ip(settings, proxies, forwarded, remote, expected):
    settings.DUKCAPIL_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_the_status_throttle_counts_the_forwarded_address(settings, client):
    """Behind one proxy, two clients with the proxy's REMOTE_ADDR are limited separately."""
    settings.DUKCAPIL_TRUSTED_PROXIES = 1
    settings.DUKCAPIL_API_RATE_LIMITS = {"status": (2, 60)}
    from django.core.cache import cache

    cache.clear()
    url = "/api/v1/applications/AAAAAAAAA/status?birth_date=2000-01-01"

    def ask(address: str) -> int:
        return client.get(url, HTTP_X_FORWARDED_FOR=address, REMOTE_ADDR="10.0.0.2").status_code

    first = [ask("198.51.100.7") for _ in range(3)]
    assert first[-1] == 429 and 429 not in first[:2]
    assert ask("198.51.100.8") != 429
