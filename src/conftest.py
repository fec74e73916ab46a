"""Staff personas for the tests of every app (synthetic people).

Each persona is a :class:`~dukcapil.accounts.models.User` in a real jurisdiction of Banten, with
password :data:`~dukcapil.accounts.testing.TEST_PASSWORD` and a confirmed TOTP device.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.test import Client

from dukcapil.accounts.models import Role, User
from dukcapil.accounts.testing import login_verified, make_staff


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """PBKDF2 at production strength costs half a second per hash; tests need no such strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in Indonesian, whatever language an earlier test left active."""
    from django.utils import translation

    translation.activate("id")
    yield
    translation.activate("id")


def _transactional(item: pytest.Item) -> bool:
    """Whether the test runs outside a test transaction (and so ends with a flush)."""
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or (
        "live_server" in getattr(item, "fixturenames", ())
    )


@pytest.fixture(autouse=True)
def append_only_events_flushable(request):
    """Transactional tests end with a flush. On SQLite it deletes row by row and meets the
    trigger that keeps the event history append-only: the events are deleted just before, with
    the trigger lifted for that moment (PostgreSQL flushes with TRUNCATE, which it does not see).
    """
    if not _transactional(request.node):
        yield
        return
    request.getfixturevalue("_django_db_helper")  # set up before this fixture, torn down after
    yield
    import importlib

    from django.db import connection

    if connection.vendor != "sqlite":
        return
    migration = importlib.import_module("dukcapil.applications.migrations.0003_events_append_only")
    # Rows of other apps point at events (notifications, …); the flush right after deletes them.
    with connection.constraint_checks_disabled(), connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS applications_event_no_delete")
        try:
            cursor.execute("DELETE FROM applications_applicationevent")
        finally:
            cursor.execute(migration.SQLITE_UP[1])


@pytest.fixture
def kecamatan_operator(db) -> User:
    """An operator of Kecamatan Serang (36.73.01), Kota Serang."""
    return make_staff(Role.KECAMATAN_OPERATOR, kecamatan="36.73.01", username="operator.serang")


@pytest.fixture
def verifier(db) -> User:
    """A verifier of Kota Serang (36.73)."""
    return make_staff(Role.VERIFIER, regency="36.73", username="verifikator.kotaserang")


@pytest.fixture
def other_regency_verifier(db) -> User:
    """A verifier of Kabupaten Tangerang (36.03): sees nothing of Kota Serang."""
    return make_staff(Role.VERIFIER, regency="36.03", username="verifikator.kabtangerang")


@pytest.fixture
def signing_official(db) -> User:
    return make_staff(Role.SIGNING_OFFICIAL, regency="36.73", username="tte.kotaserang")


@pytest.fixture
def dispatch_officer(db) -> User:
    return make_staff(Role.DISPATCH_OFFICER, regency="36.73", username="cetak.kotaserang")


@pytest.fixture
def regency_head(db) -> User:
    return make_staff(Role.REGENCY_HEAD, regency="36.73", username="kadis.kotaserang")


@pytest.fixture
def province_monitor(db) -> User:
    """The province monitor of Banten: aggregates only, never a person."""
    return make_staff(Role.PROVINCE_MONITOR, username="pemantau.banten")


@pytest.fixture
def administrator(db) -> User:
    """The administrator of the province, superuser with access to the admin site."""
    return make_staff(Role.ADMINISTRATOR, username="admin.banten", is_staff=True, is_superuser=True)


@pytest.fixture
def client_as(client: Client) -> Callable[[User], Client]:
    """``client_as(verifier)``: the test client, logged in with a verified (2FA) session."""

    def log_in(user: User) -> Client:
        login_verified(client, user)
        return client

    return log_in


# ---------------------------------------------------------------------------------------------
# Browser journeys: Playwright driving Debian's Chromium (.ci/run installs the package; Playwright's
# own browser download is not used). Tests take ``browser_page`` (or ``browser_page_without_js``)
# with pytest-django's ``live_server``.

ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "artifacts"


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def _chromium() -> Iterator[object]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves an event loop "running" in this thread. The test's own
    # database calls are still synchronous, so Django's guard against ORM calls inside a loop is
    # lifted; and asgiref, seeing the loop, would hand out new connection objects from a
    # context-local store (without pytest-django's serialized copy of the migrations' data, and
    # outside its transactions): the connections of the thread are put into that store too.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    thread_connections = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in thread_connections.items():
            setattr(connections._connections, alias, connection)
        browser = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


def _page(browser, live_server, request, *, javascript: bool) -> Iterator[object]:  # noqa: ANN001
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        locale="id-ID",
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        save_artifact(page, f"failed-{request.node.name}")
    context.close()


@pytest.fixture
def browser_page(_chromium, live_server, request) -> Iterator[object]:
    """A fresh Chromium page (phone-sized, Indonesian) whose base URL is the live server.

    ``page.goto("/")`` opens the live server's home page. A failing test leaves a screenshot in
    ``var/artifacts/``; ``save_artifact(page, name)`` saves one on purpose.
    """
    yield from _page(_chromium, live_server, request, javascript=True)


@pytest.fixture
def browser_page_without_js(_chromium, live_server, request) -> Iterator[object]:
    """As ``browser_page``, with JavaScript turned off (the core steps must work without it)."""
    yield from _page(_chromium, live_server, request, javascript=False)


def save_artifact(page, name: str) -> Path:  # noqa: ANN001 - a Playwright Page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):  # noqa: ANN001
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def pytest_collection_modifyitems(config, items):  # noqa: ANN001
    """Tests marked ``postgres`` are skipped when the suite runs on SQLite.

    A transactional test must also ask for ``serialized_rollback``: its flush removes the
    migrations' reference data (regions, catalogue) and recreates content types, and a later
    test that restores the serialized copy would then collide with them.
    """
    from django.conf import settings

    for item in items:
        marker = item.get_closest_marker("django_db")
        if _transactional(item) and not (marker and marker.kwargs.get("serialized_rollback")):
            raise pytest.UsageError(
                f"{item.nodeid}: django_db(transaction=True) needs serialized_rollback=True"
            )

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
