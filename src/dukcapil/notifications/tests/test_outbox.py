import datetime as dt
import os

import pytest
from django.core.management import call_command

from dukcapil.applications import services, workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application, Status
from dukcapil.applications.tasks import notify_applicant
from dukcapil.applications.testing import make_application, verifier_of
from dukcapil.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_worker_writes_the_citizens_notification_in_their_language():
    app = make_application()
    event = app.events.get()
    notify_applicant.call(event.pk)
    notification = Notification.objects.get(event=event)
    assert app.tracking_display in notification.body
    assert "sudah kami terima" in notification.body
    assert notification.recipient == "6281234567890"
    notify_applicant.call(event.pk)  # a retried job writes nothing twice
    assert Notification.objects.filter(event=event).count() == 1

    # Written in the transition's transaction, in the applicant's language.
    english = make_application(submit=False)
    Application.objects.filter(pk=english.pk).update(language="en")
    english = workflow.submit(application=english, actor=Actor.citizen(english.applicant_id))
    assert "We have received" in Notification.objects.get(application=english).body
    notify_applicant.call(english.events.get().pk)
    assert Notification.objects.filter(application=english).count() == 1


# On PostgreSQL the worker manages its own (pooled) connections and must see committed jobs, so
# the test runs outside a test transaction there. SQLite's flush after such a test would DELETE the
# append-only events, which the trigger refuses, so it keeps the test transaction.
WORKER_DB = (
    pytest.mark.django_db(transaction=True, serialized_rollback=True)
    if os.environ.get("DATABASE_URL", "").startswith("postgres")
    else pytest.mark.django_db
)


@WORKER_DB
def test_the_database_worker_runs_enqueued_jobs():
    app = make_application()
    call_command("db_worker", "--batch", "--interval", "0")
    assert Notification.objects.filter(application=app).exists()


def test_unanswered_revision_requests_expire(monkeypatch):
    verifier = verifier_of()
    app = workflow.claim(application=make_application(), actor=verifier)
    app = workflow.request_revision(
        application=app,
        actor=verifier,
        reasons=[{"requirement": "ktp_kepala", "reason": "unreadable"}],
    )
    assert services.expire_unanswered_revisions() == 0
    Application.objects.filter(pk=app.pk).update(
        revision_due_date=app.revision_due_date - dt.timedelta(days=30)
    )
    assert services.expire_unanswered_revisions() == 1
    app.refresh_from_db()
    assert app.status == Status.EXPIRED
    assert app.events.order_by("-id").first().actor_kind == "system"
    assert workflow.TRANSITIONS["expire"].kinds == frozenset({"system"})
    assert Actor.system("x").kind == "system"
