"""The verifiers' queue: scoped to the office, filtered, paged by keyset, and "take next"."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dukcapil.accounts.models import Role
from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application, ApplicationEvent, Status
from dukcapil.applications.testing import make_application, make_household, make_staff
from dukcapil.desk import selectors as desk_selectors
from dukcapil.desk.tests.conftest import review_url

pytestmark = pytest.mark.django_db

QUEUE = reverse("desk:queue")
TAKE_NEXT = reverse("desk:take_next")
LINK = re.compile(r'href="/kantor/permohonan/([0-9A-Z]{9})/"')


def _listed(response) -> list[str]:
    return LINK.findall(response.text)


def _rows(response) -> dict[str, str]:
    """Each body row's HTML by the tracking number it links to."""
    body = response.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return {LINK.search(row).group(1): row for row in re.findall(r"<tr.*?</tr>", body, re.S)}


def _set_due(app: Application, days_from_today: int) -> None:
    # Test setup: the due date is what the workflow computed at submission; move it in time.
    due = timezone.localdate() + dt.timedelta(days=days_from_today)
    Application.objects.filter(pk=app.pk).update(due_date=due)


def test_the_queue_lists_only_cases_of_the_users_office(as_user, verifier):
    ours = make_application()
    theirs = make_application(household=make_household("36.03.01.2003"))
    response = as_user(verifier).get(QUEUE)
    assert response.status_code == 200
    assert _listed(response) == [ours.tracking_number]
    assert ours.tracking_display in response.text
    assert theirs.tracking_number not in response.text


def test_each_row_shows_service_kecamatan_channel_state_due_date_and_assignee(as_user, verifier):
    app = make_application("KK_HILANG", channel="whatsapp")
    workflow.claim(application=app, actor=Actor.staff(verifier))
    response = as_user(verifier).get(QUEUE)
    app.refresh_from_db()
    row = _rows(response)[app.tracking_number]
    assert app.tracking_display in row
    assert app.service_version.name_id in row
    assert "Serang" in row
    assert "WhatsApp" in row
    assert "Sedang diverifikasi" in row
    assert app.due_date.strftime("%d-%m-%Y") in row
    assert verifier.username in row


def test_filters_narrow_the_queue(as_user, verifier):
    base = make_application("KK_HILANG")
    other_service = make_application("KTP_HILANG")
    other_kecamatan = make_application(household=make_household("36.73.02.1001"))
    by_whatsapp = make_application(channel="whatsapp")
    in_review = make_application()
    workflow.claim(application=in_review, actor=Actor.staff(verifier))
    late = make_application()
    _set_due(late, -3)
    client = as_user(verifier)

    def listed(**params):
        return set(_listed(client.get(QUEUE, params)))

    everything = {
        a.tracking_number
        for a in (base, other_service, other_kecamatan, by_whatsapp, in_review, late)
    }
    assert listed() == everything
    assert listed(service="KTP_HILANG") == {other_service.tracking_number}
    assert listed(kecamatan="36.73.02") == {other_kecamatan.tracking_number}
    assert listed(channel="whatsapp") == {by_whatsapp.tracking_number}
    assert listed(status=Status.IN_REVIEW) == {in_review.tracking_number}
    assert listed(overdue="on") == {late.tracking_number}
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert listed(due_before=yesterday.isoformat()) == {late.tracking_number}
    assert listed(service="KK_HILANG", channel="whatsapp") == {by_whatsapp.tracking_number}


def test_a_state_filter_reaches_cases_outside_the_waiting_queue(as_user, verifier):
    app = make_application()
    actor = Actor.staff(verifier)
    workflow.claim(application=app, actor=actor)
    workflow.reject(application=app, actor=actor, reason="Dokumen palsu, tidak dapat diterima")
    client = as_user(verifier)
    assert _listed(client.get(QUEUE)) == []
    assert _listed(client.get(QUEUE, {"status": Status.REJECTED})) == [app.tracking_number]


def test_an_invalid_filter_is_reported_and_the_others_still_apply(as_user, verifier):
    app = make_application()
    response = as_user(verifier).get(QUEUE, {"due_before": "kemarin", "channel": "web"})
    assert response.status_code == 400
    assert 'class="errorlist"' in response.text
    assert _listed(response) == [app.tracking_number]


def test_keyset_pages_cover_the_queue_without_duplicates_or_gaps(as_user, verifier, monkeypatch):
    monkeypatch.setattr(desk_selectors, "PAGE_SIZE", 3)
    apps = [make_application() for _ in range(8)]
    # Several cases share a due date, so the id must break ties across page boundaries.
    for app, days in zip(apps, [2, 0, 0, 0, 1, 1, -1, 0], strict=True):
        _set_due(app, days)
    expected = [
        a.tracking_number
        for a in Application.objects.filter(pk__in=[a.pk for a in apps]).order_by("due_date", "id")
    ]
    client = as_user(verifier)
    seen, url, pages = [], QUEUE, 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        rows = _listed(response)
        assert 0 < len(rows) <= 3
        seen += rows
        pages += 1
        found = re.search(r'class="pager".*?href="([^"]+)"', response.text, re.S)
        url = QUEUE + found.group(1).replace("&amp;", "&") if found else ""
    assert pages == 3
    assert seen == expected


def test_the_next_page_link_keeps_the_filters(as_user, verifier, monkeypatch):
    monkeypatch.setattr(desk_selectors, "PAGE_SIZE", 1)
    whatsapp = [make_application(channel="whatsapp") for _ in range(2)]
    make_application(channel="web")
    client = as_user(verifier)
    first = client.get(QUEUE, {"channel": "whatsapp"})
    link = re.search(r'class="pager".*?href="\?([^"]+)"', first.text, re.S).group(1)
    assert "channel=whatsapp" in link
    second = client.get(f"{QUEUE}?{link.replace('&amp;', '&')}")
    assert set(_listed(first) + _listed(second)) == {a.tracking_number for a in whatsapp}


def test_overdue_rows_are_marked_by_class_and_text(as_user, verifier):
    late = make_application()
    _set_due(late, -2)
    on_time = make_application()
    response = as_user(verifier).get(QUEUE)
    rows = _rows(response)
    assert 'class="overdue"' in rows[late.tracking_number]
    assert "Terlambat 2 hari" in rows[late.tracking_number]
    assert "overdue" not in rows[on_time.tracking_number]
    assert "Terlambat" not in rows[on_time.tracking_number]


def test_htmx_gets_only_the_results_fragment(as_user, verifier):
    app = make_application()
    response = as_user(verifier).get(QUEUE, {"channel": "web"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.text
    assert app.tracking_number in response.text
    assert "HX-Request" in response["Vary"]


def test_take_next_claims_the_most_urgent_case_and_opens_it(as_user, verifier):
    later = make_application()
    sooner = make_application()
    _set_due(sooner, -1)
    response = as_user(verifier).post(TAKE_NEXT)
    assert response.status_code == 302
    assert response["Location"] == review_url(sooner)
    sooner.refresh_from_db()
    later.refresh_from_db()
    assert sooner.status == Status.IN_REVIEW
    assert sooner.assigned_to == verifier
    assert later.status == Status.SUBMITTED
    event = ApplicationEvent.objects.get(application=sooner, transition="claim")
    assert event.actor == verifier


def test_take_next_on_an_empty_queue_says_so(as_user, verifier):
    make_application(household=make_household("36.03.01.2003"))  # another office's
    response = as_user(verifier).post(TAKE_NEXT, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE
    assert "Antrean kosong" in response.text
    assert not Application.objects.filter(status=Status.IN_REVIEW).exists()


def test_only_a_verifier_may_take_next(as_user, regency_head):
    app = make_application()
    response = as_user(regency_head).post(TAKE_NEXT)
    assert response.status_code == 403
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED
    assert "Ambil berikutnya" not in as_user(regency_head).get(QUEUE).text


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.REGENCY_HEAD, Role.ADMINISTRATOR])
def test_the_queue_is_open_to_verifiers_heads_and_administrators(as_user, role):
    assert as_user(make_staff(role, regency="36.73")).get(QUEUE).status_code == 200


@pytest.mark.parametrize(
    "role", [Role.KECAMATAN_OPERATOR, Role.SIGNING_OFFICIAL, Role.DISPATCH_OFFICER]
)
def test_other_roles_get_403(as_user, role):
    kecamatan = "36.73.01" if role == Role.KECAMATAN_OPERATOR else None
    user = make_staff(role, regency="36.73", kecamatan=kecamatan)
    assert as_user(user).get(QUEUE).status_code == 403


def test_the_province_monitor_gets_403(as_user):
    assert as_user(make_staff(Role.PROVINCE_MONITOR, regency="")).get(QUEUE).status_code == 403


def test_staff_without_a_second_factor_are_sent_to_log_in(client, verifier):
    client.force_login(verifier, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.post(TAKE_NEXT).status_code == 302
