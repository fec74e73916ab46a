"""The workflow: every transition allowed and refused by role, jurisdiction and state."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404

from dukcapil.accounts.models import Role
from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import ApplicationEvent, Status
from dukcapil.applications.testing import make_application, make_household, make_staff

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in Role]


def _in_state(status: str, verifier: Actor):
    """An application brought to ``status`` through the workflow itself."""
    if status == Status.DRAFT:
        return make_application(submit=False)
    app = make_application()
    if status == Status.SUBMITTED:
        return app
    app = workflow.claim(application=app, actor=verifier)
    if status == Status.IN_REVIEW:
        return app
    if status == Status.NEEDS_REVISION:
        return workflow.request_revision(
            application=app, actor=verifier,
            reasons=[{"requirement": "ktp_kepala", "reason": "unreadable"}],
        )  # fmt: skip
    if status == Status.REJECTED:
        return workflow.reject(
            application=app, actor=verifier, reason="Dokumen tidak sah sama sekali"
        )
    app = workflow.approve(application=app, actor=verifier)
    if status == Status.APPROVED:
        return app
    signer = Actor.staff(make_staff(Role.SIGNING_OFFICIAL))
    app = workflow.issue(application=app, actor=signer)
    if status == Status.ISSUED:
        return app
    dispatcher = Actor.staff(make_staff(Role.DISPATCH_OFFICER))
    if status == Status.PRINTED:
        return workflow.mark_printed(application=app, actor=dispatcher)
    if status == Status.IN_DELIVERY:
        return workflow.ship(application=app, actor=dispatcher)
    if status == Status.READY_FOR_PICKUP:
        return workflow.mark_ready_for_pickup(application=app, actor=dispatcher)
    if status == Status.COMPLETED:
        app = workflow.ship(application=app, actor=dispatcher)
        return workflow.complete(application=app, actor=Actor.system("pos"))
    raise AssertionError(status)


def _call(name: str, app, actor):
    kwargs = {"application": app, "actor": actor}
    if name == "request_revision":
        kwargs["reasons"] = [{"requirement": "ktp_kepala", "reason": "unreadable"}]
    if name == "reject":
        kwargs["reason"] = "Dokumen tidak sah sama sekali"
    fn = {"ready_for_pickup": workflow.mark_ready_for_pickup}.get(name) or getattr(workflow, name)
    return fn(**kwargs)


STATES_TO_TRY = [
    Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.NEEDS_REVISION, Status.APPROVED,
    Status.ISSUED, Status.IN_DELIVERY, Status.COMPLETED, Status.REJECTED,
]  # fmt: skip


@pytest.mark.parametrize("state", STATES_TO_TRY)
@pytest.mark.parametrize(
    "name", [n for n in workflow.TRANSITIONS if n not in ("submit", "resubmit", "expire")]
)
def test_staff_transitions_by_role_and_state(name, state, verifier):
    """For each staff transition and state: the allowed roles succeed from the allowed states
    only; every other role is refused; nothing changes when refused."""
    t = workflow.TRANSITIONS[name]
    for role in ROLES:
        app = _in_state(state, verifier)
        if role == Role.VERIFIER and (t.assignee_only or name == "release"):
            actor = verifier
        else:
            kecamatan = "36.73.01" if role == Role.KECAMATAN_OPERATOR else None
            level_kw = {"regency": "" if role == Role.PROVINCE_MONITOR else "36.73"}
            actor = Actor.staff(make_staff(role, kecamatan=kecamatan, **level_kw))
        events_before = app.events.count()
        allowed = role in t.roles and "staff" in t.kinds
        if allowed and state in t.sources:
            result = _call(name, app, actor)
            assert result.status == t.target
            assert app.events.count() == events_before + 1
            event = app.events.order_by("-id").first()
            assert (event.from_status, event.to_status, event.actor_id) == (
                state,
                t.target,
                actor.user.pk,
            )
        else:
            with pytest.raises((PermissionDenied, workflow.TransitionError, Http404)):
                _call(name, app, actor)
            app.refresh_from_db()
            assert app.status == state
            assert app.events.count() == events_before


def test_a_verifier_of_another_regency_gets_not_found(other_regency_verifier, verifier):
    app = make_application()
    with pytest.raises(Http404):
        workflow.claim(application=app, actor=other_regency_verifier)
    app = workflow.claim(application=app, actor=verifier)
    with pytest.raises(Http404):
        workflow.approve(application=app, actor=other_regency_verifier)


def test_only_the_assigned_verifier_decides(verifier):
    app = workflow.claim(application=make_application(), actor=verifier)
    colleague = Actor.staff(make_staff(Role.VERIFIER))
    with pytest.raises(PermissionDenied):
        workflow.approve(application=app, actor=colleague)


def test_citizen_submits_cancels_and_resubmits_only_their_own(verifier):
    app = make_application(submit=False)
    stranger = Actor.citizen(make_household()["head"].pk)
    with pytest.raises(Http404):
        workflow.submit(application=app, actor=stranger)
    owner = Actor.citizen(app.applicant_id)
    app = workflow.submit(application=app, actor=owner)
    assert app.status == Status.SUBMITTED and app.due_date is not None
    app = workflow.claim(application=app, actor=verifier)
    app = workflow.request_revision(
        application=app, actor=verifier,
        reasons=[{"requirement": "ktp_kepala", "reason": "unreadable", "note": "buram"}],
    )  # fmt: skip
    with pytest.raises(ValidationError) as e:
        workflow.resubmit(application=app, actor=owner)  # nothing re-uploaded yet
    assert "ktp" in str(e.value).lower() or "KTP" in str(e.value)
    from dukcapil.applications import services
    from dukcapil.applications.testing import PNG

    services.add_attachment(
        application=app, actor=owner, requirement_code="ktp_kepala", content=PNG
    )
    app = workflow.resubmit(application=app, actor=owner)
    assert app.status == Status.SUBMITTED and app.assigned_to is None
    app = workflow.cancel(application=app, actor=owner)
    assert app.status == Status.CANCELLED


def test_citizen_cannot_cancel_after_approval(verifier):
    app = _in_state(Status.APPROVED, verifier)
    with pytest.raises(workflow.TransitionError):
        workflow.cancel(application=app, actor=Actor.citizen(app.applicant_id))


def test_submit_refuses_an_incomplete_application_and_says_what_is_missing():
    app = make_application(submit=False, form_data={})
    app.attachments.all().update(superseded=True)
    with pytest.raises(ValidationError) as e:
        workflow.submit(application=app, actor=Actor.citizen(app.applicant_id))
    assert set(e.value.message_dict) == {"laporan_kehilangan", "ktp_kepala"}
    app.refresh_from_db()
    assert app.status == Status.DRAFT
    assert not app.events.exists()


def test_revision_needs_a_known_reason_and_other_needs_a_note(verifier):
    app = workflow.claim(application=make_application(), actor=verifier)
    for reasons in ([], [{"requirement": "ktp_kepala", "reason": "bogus"}],
                    [{"requirement": "ktp_kepala", "reason": "other"}],
                    [{"requirement": "nope", "reason": "unreadable"}]):  # fmt: skip
        with pytest.raises(ValidationError):
            workflow.request_revision(application=app, actor=verifier, reasons=reasons)
    app.refresh_from_db()
    assert app.status == Status.IN_REVIEW


def test_reject_needs_a_reason(verifier):
    app = workflow.claim(application=make_application(), actor=verifier)
    with pytest.raises(ValidationError):
        workflow.reject(application=app, actor=verifier, reason="  ")


def test_expire_is_for_the_system_only(verifier):
    app = _in_state(Status.NEEDS_REVISION, verifier)
    with pytest.raises(PermissionDenied):
        workflow.expire(application=app, actor=verifier)
    assert workflow.expire(application=app, actor=Actor.system("cron")).status == Status.EXPIRED


def test_each_transition_enqueues_its_notification_in_the_same_transaction(verifier):
    from django_tasks_db.models import DBTaskResult

    before = DBTaskResult.objects.count()
    app = make_application()
    assert DBTaskResult.objects.count() == before + 1
    job = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert job.task_path.endswith("notify_applicant")
    assert job.args_kwargs["args"] == [app.events.get().pk]


def test_events_are_append_only():
    app = make_application()
    event = app.events.get()
    with pytest.raises((IntegrityError, Exception)), transaction.atomic():
        ApplicationEvent.objects.filter(pk=event.pk).update(note="changed")
    with pytest.raises((IntegrityError, Exception)), transaction.atomic():
        ApplicationEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.note == ""
    assert connection.vendor in ("sqlite", "postgresql")


SEEN: list[tuple[str, str]] = []


def record_effect(*, event, application):
    """A transition effect for the test below: sees the event inside the transaction."""
    SEEN.append((event.transition, application.status))


def failing_effect(*, event, application):
    raise ValidationError("effect refused")


def test_transition_effects_run_in_the_transaction_and_roll_it_back(settings, verifier):
    app = make_application()
    SEEN.clear()
    settings.DUKCAPIL_TRANSITION_EFFECTS = [f"{__name__}.record_effect"]
    workflow.claim(application=app, actor=verifier)
    assert SEEN == [("claim", Status.IN_REVIEW)]

    settings.DUKCAPIL_TRANSITION_EFFECTS = [
        f"{__name__}.record_effect",
        f"{__name__}.failing_effect",
    ]
    events = ApplicationEvent.objects.filter(application=app).count()
    with pytest.raises(ValidationError):
        workflow.approve(application=app, actor=verifier)
    app.refresh_from_db()
    assert app.status == Status.IN_REVIEW
    assert ApplicationEvent.objects.filter(application=app).count() == events
