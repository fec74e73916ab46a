"""The regency head's list of open cases past their due date."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application
from dukcapil.applications.testing import make_application, make_household

pytestmark = pytest.mark.django_db

OVERDUE = reverse("desk:overdue")


def _due_in(app: Application, days: int) -> None:
    due = timezone.localdate() + dt.timedelta(days=days)
    Application.objects.filter(pk=app.pk).update(due_date=due)


def test_the_head_sees_open_overdue_cases_of_the_regency_with_days_late(
    as_user, regency_head, verifier
):
    five_days = make_application()
    _due_in(five_days, -5)
    one_day_in_review = make_application()
    workflow.claim(application=one_day_in_review, actor=Actor.staff(verifier))
    _due_in(one_day_in_review, -1)
    on_time = make_application()
    due_today = make_application()
    _due_in(due_today, 0)
    closed = make_application()
    workflow.claim(application=closed, actor=Actor.staff(verifier))
    workflow.reject(application=closed, actor=Actor.staff(verifier), reason="Bukan dokumen asli")
    _due_in(closed, -9)
    elsewhere = make_application(household=make_household("36.03.01.2003"))
    _due_in(elsewhere, -9)

    response = as_user(regency_head).get(OVERDUE)
    assert response.status_code == 200
    listed = re.findall(r'href="/kantor/permohonan/(\w{9})/"', response.text)
    assert listed == [five_days.tracking_number, one_day_in_review.tracking_number]
    assert "5 hari" in response.text
    assert "1 hari" in response.text
    for absent in (on_time, due_today, closed, elsewhere):
        assert absent.tracking_number not in response.text


def test_the_overdue_list_is_for_heads_and_administrators(as_user, verifier):
    assert as_user(verifier).get(OVERDUE).status_code == 403
    assert 'href="/kantor/terlambat/"' not in as_user(verifier).get(reverse("desk:queue")).text


def test_the_head_sees_the_overdue_link(as_user, regency_head):
    assert 'href="/kantor/terlambat/"' in as_user(regency_head).get(reverse("desk:queue")).text
