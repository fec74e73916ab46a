"""The browser fixture itself: Debian's Chromium opens a page of the live server."""

from urllib.parse import urlsplit

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_home_page_opens_in_chromium_and_asks_no_other_host(browser_page, live_server):
    hosts: set[str] = set()
    browser_page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    response = browser_page.goto("/")
    assert response is not None and response.status == 200
    assert browser_page.locator("html").get_attribute("lang") == "id"
    assert hosts == {urlsplit(live_server.url).netloc}


def test_a_page_without_javascript_runs_no_script(browser_page_without_js):
    browser_page_without_js.goto("/")
    browser_page_without_js.set_content(
        "<p id=p>a</p><script>document.getElementById('p').textContent='b'</script>"
    )
    assert browser_page_without_js.locator("#p").text_content() == "a"


def test_after_a_browser_test_the_connection_and_the_migrations_data_are_the_same(
    browser_page,
):
    """Tests after Playwright started see the thread's connection, with its serialized copy of
    the migrations' data (regions, catalogue), which ``serialized_rollback`` restores."""
    from django.db import connection

    from dukcapil.regions.models import Regency

    assert getattr(connection, "_test_serialized_contents", None)
    assert Regency.objects.filter(code__startswith="36").count() == 8
