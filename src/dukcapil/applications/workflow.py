"""The one place where an application's status changes.

Each transition names the states it leaves from, the state it reaches, who may make it, what must
hold before it, and what it causes. :func:`_transition` locks the row, checks, saves, writes the
event and enqueues side effects in one transaction, so either all of it happens or none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dukcapil.accounts.models import Role
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import (
    Application,
    ApplicationEvent,
    RequirementVerdict,
    RevisionReason,
)
from dukcapil.applications.models import Status as S
from dukcapil.core.working_days import add_working_days

STAFF, CITIZEN, API, SYSTEM = "staff", "citizen", "api", "system"


class TransitionError(ValidationError):
    """The application is not in a state from which this transition can be made (HTTP 409)."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    label: object
    roles: frozenset[str] = frozenset()  # staff roles allowed
    kinds: frozenset[str] = frozenset({STAFF})  # which kinds of actor
    assignee_only: bool = False  # only the verifier who claimed the case
    tasks: tuple[str, ...] = field(default=("notify_applicant",))


def _t(name, sources, target, label, roles=(), kinds=(STAFF,), assignee_only=False, tasks=None):
    return Transition(
        name=name,
        sources=frozenset(sources),
        target=target,
        label=label,
        roles=frozenset(roles),
        kinds=frozenset(kinds),
        assignee_only=assignee_only,
        tasks=("notify_applicant",) if tasks is None else tuple(tasks),
    )


OPERATOR, VERIFIER = Role.KECAMATAN_OPERATOR, Role.VERIFIER
DISPATCH, SIGNER, HEAD = Role.DISPATCH_OFFICER, Role.SIGNING_OFFICIAL, Role.REGENCY_HEAD

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t("submit", [S.DRAFT], S.SUBMITTED, gettext_lazy("ajukan"), [OPERATOR],
           [STAFF, CITIZEN, API, SYSTEM]),
        _t("claim", [S.SUBMITTED], S.IN_REVIEW, gettext_lazy("ambil untuk diverifikasi"),
           [VERIFIER], tasks=()),
        _t("release", [S.IN_REVIEW], S.SUBMITTED, gettext_lazy("kembalikan ke antrean"),
           [VERIFIER, HEAD], tasks=()),
        _t("request_revision", [S.IN_REVIEW], S.NEEDS_REVISION,
           gettext_lazy("minta perbaikan"), [VERIFIER], assignee_only=True),
        _t("resubmit", [S.NEEDS_REVISION], S.SUBMITTED, gettext_lazy("ajukan ulang"),
           [OPERATOR], [STAFF, CITIZEN, API]),
        _t("approve", [S.IN_REVIEW], S.APPROVED, gettext_lazy("setujui"), [VERIFIER],
           assignee_only=True),
        _t("reject", [S.IN_REVIEW], S.REJECTED, gettext_lazy("tolak"), [VERIFIER],
           assignee_only=True),
        _t("issue", [S.APPROVED], S.ISSUED, gettext_lazy("terbitkan dokumen"), [SIGNER],
           [STAFF, SYSTEM]),
        _t("mark_printed", [S.ISSUED], S.PRINTED, gettext_lazy("tandai sudah dicetak"),
           [DISPATCH], tasks=()),
        _t("ship", [S.ISSUED, S.PRINTED], S.IN_DELIVERY, gettext_lazy("kirim"), [DISPATCH],
           [STAFF, SYSTEM]),
        _t("ready_for_pickup", [S.ISSUED, S.PRINTED, S.IN_DELIVERY], S.READY_FOR_PICKUP,
           gettext_lazy("siap diambil"), [DISPATCH, OPERATOR], [STAFF, SYSTEM]),
        _t("complete", [S.IN_DELIVERY, S.READY_FOR_PICKUP], S.COMPLETED,
           gettext_lazy("selesai"), [DISPATCH, OPERATOR], [STAFF, SYSTEM]),
        _t("cancel", [S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.NEEDS_REVISION], S.CANCELLED,
           gettext_lazy("batalkan"), [OPERATOR], [STAFF, CITIZEN, API]),
        _t("expire", [S.NEEDS_REVISION], S.EXPIRED, gettext_lazy("kedaluwarsa"), (), [SYSTEM]),
    )
}  # fmt: skip


def allowed_transitions(application: Application, actor: Actor) -> list[Transition]:
    """Transitions this actor could make now (for showing buttons; the functions check again)."""
    result = []
    for t in TRANSITIONS.values():
        if application.status not in t.sources:
            continue
        try:
            _check_actor(t, application, actor)
        except (PermissionDenied, Http404):
            continue
        result.append(t)
    return result


# ---------------------------------------------------------------------------------------------
# Checks


def in_jurisdiction(application: Application, user: object) -> bool:
    """Whether a staff user's jurisdiction covers this application (the one scoping selector)."""
    from dukcapil.accounts.selectors import is_in_jurisdiction

    return is_in_jurisdiction(application, user=user)


def _check_actor(t: Transition, app: Application, actor: Actor) -> None:
    if actor.kind not in t.kinds:
        raise PermissionDenied(_("Langkah ini tidak dapat dilakukan oleh Anda."))
    if actor.kind == STAFF:
        # Out of jurisdiction is "not found": the case's existence is not revealed.
        if not in_jurisdiction(app, actor.user):
            raise Http404
        if actor.role not in t.roles:
            raise PermissionDenied(_("Peran Anda tidak boleh melakukan langkah ini."))
        if t.assignee_only and app.assigned_to_id != actor.user.pk:
            raise PermissionDenied(_("Permohonan ini sedang ditangani verifikator lain."))
    elif actor.kind == CITIZEN:
        if app.applicant_id != actor.resident_id:
            raise Http404
    elif actor.kind == API and app.office_id != actor.office_code:
        raise Http404


def _require_state(t: Transition, app: Application) -> None:
    if app.status not in t.sources:
        raise TransitionError(
            _("Langkah “%(action)s” tidak dapat dilakukan pada permohonan berstatus “%(status)s”.")
            % {"status": app.get_status_display(), "action": t.label},
            code="invalid_transition",
        )


# ---------------------------------------------------------------------------------------------
# The engine


def _transition(
    application: Application,
    name: str,
    actor: Actor,
    *,
    note: str = "",
    data: dict | None = None,
    guard: Callable[[Application], None] | None = None,
    effect: Callable[[Application], Iterable[str]] | None = None,
) -> Application:
    with transaction.atomic():
        app = (
            Application.objects.select_for_update(of=("self",))
            .select_related("office", "service_version")
            .get(pk=application.pk)
        )
        return _transition_locked(
            app, name, actor, note=note, data=data, guard=guard, effect=effect
        )


def _transition_locked(
    app: Application,
    name: str,
    actor: Actor,
    *,
    note: str = "",
    data: dict | None = None,
    guard: Callable[[Application], None] | None = None,
    effect: Callable[[Application], Iterable[str]] | None = None,
) -> Application:
    """The rest of :func:`_transition`, on ``app`` read and locked (``SELECT … FOR UPDATE``, with
    its office and service version) in the caller's transaction, which this one joins."""
    t = TRANSITIONS[name]
    with transaction.atomic(savepoint=False):
        _check_actor(t, app, actor)
        _require_state(t, app)
        if guard is not None:
            guard(app)
        from_status = app.status
        app.status = t.target
        changed = {"status", *(effect(app) if effect is not None else ())}
        if app._state.adding:  # a new draft submitted at once: inserted as it ends up
            app.save(force_insert=True)
        else:
            app.save(update_fields=sorted(changed))
        event = ApplicationEvent.objects.create(
            application=app,
            transition=name,
            from_status=from_status,
            to_status=t.target,
            actor=actor.user if actor.kind == STAFF else None,
            actor_kind=actor.kind,
            actor_label=actor.label,
            note=note,
            data=data or {},
        )
        _enqueue(t, event)
        _record(event, app)
    return app


def _record(event: ApplicationEvent, app: Application) -> None:
    """Run the other apps' effects of a transition inside its transaction, in the order of
    ``settings.DUKCAPIL_TRANSITION_EFFECTS`` (dotted paths of ``f(event=, application=)``): the
    dashboard's rollups, the documents to generate on ``issued``, the shipment of ``ship`` …
    An exception rolls the transition back with them."""
    for path in settings.DUKCAPIL_TRANSITION_EFFECTS:
        import_string(path)(event=event, application=app)


def _enqueue(t: Transition, event: ApplicationEvent) -> None:
    # Imported here: tasks import services, which import this module.
    from dukcapil.applications import tasks

    for task_name in t.tasks:
        getattr(tasks, task_name).enqueue(event.pk)


# ---------------------------------------------------------------------------------------------
# Transitions


def submit(
    *, application: Application, actor: Actor, uploaded: frozenset[str] | None = None
) -> Application:
    """A complete draft enters its office's queue, with its service-level due date.

    ``uploaded`` (the requirement codes of its current attachments) says that the caller made
    this draft and its files in its own, still open, transaction: nobody else can see the row
    before that commits, so it is neither read nor locked again (two round trips fewer on the
    busiest write of the API), and the completeness check takes the codes as given. A draft not
    saved yet is inserted once, already submitted (one statement fewer again); the caller then
    inserts its files.
    """
    from dukcapil.applications.requirements import check_complete
    from dukcapil.catalog.selectors import service_level_days

    def effect(app: Application) -> list[str]:
        now = timezone.now()
        days = service_level_days(version=app.service_version, regency_code=app.office_id)
        app.submitted_at = now
        app.due_date = add_working_days(timezone.localdate(now), days)
        return ["submitted_at", "due_date"]

    if uploaded is None:
        return _transition(application, "submit", actor, guard=check_complete, effect=effect)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a fresh draft is submitted inside the transaction that made it")

    def guard(app: Application) -> None:
        check_complete(app, uploaded=uploaded)

    return _transition_locked(application, "submit", actor, guard=guard, effect=effect)


def resubmit(*, application: Application, actor: Actor, note: str = "") -> Application:
    """The applicant answered the revision request; the case goes back into the queue with its
    service-level clock restarted."""
    from dukcapil.applications.requirements import check_complete, check_revision_answered

    def guard(app: Application) -> None:
        check_complete(app)
        check_revision_answered(app)

    def effect(app: Application) -> list[str]:
        from dukcapil.catalog.selectors import service_level_days

        days = service_level_days(version=app.service_version, regency_code=app.office_id)
        app.due_date = add_working_days(timezone.localdate(), days)
        app.assigned_to = None
        app.revision_due_date = None
        return ["due_date", "assigned_to", "revision_due_date"]

    return _transition(application, "resubmit", actor, note=note, guard=guard, effect=effect)


def _claim_effect(actor: Actor) -> Callable[[Application], list[str]]:
    def effect(app: Application) -> list[str]:
        app.assigned_to = actor.user
        app.claimed_at = timezone.now()
        return ["assigned_to", "claimed_at"]

    return effect


def claim(*, application: Application, actor: Actor) -> Application:
    return _transition(application, "claim", actor, effect=_claim_effect(actor))


def claim_next(*, actor: Actor, queryset=None) -> Application | None:  # noqa: ANN001
    """Hand the next application of the actor's queue to exactly this verifier.

    ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL: concurrent verifiers each lock a different
    row instead of waiting for (and then double-claiming) the same one. SQLite serialises writers.
    ``queryset`` narrows the queue (a filtered view of it); by default the whole queue.
    """
    if actor.kind != STAFF or actor.role != Role.VERIFIER:
        raise PermissionDenied(_("Hanya verifikator yang dapat mengambil permohonan."))
    with transaction.atomic():
        if queryset is None and connection.vendor == "postgresql" and not connection.queries_logged:
            return _claim_next_in_one_statement(actor)
        if queryset is None:
            lookup, params = _next_in_queue(actor.user)
            application = lookup.first(*params)
        else:
            application = _first_submitted(queryset).first()
        if application is None:
            return None
        return _transition_locked(application, "claim", actor, effect=_claim_effect(actor))


def _first_submitted(candidates):  # noqa: ANN001, ANN202 - QuerySet[Application]
    """The next submitted application of ``candidates``, as a transition reads it (with its
    office and service version), locked by this very query: the claim goes on with it in the
    same transaction, without reading it again or a savepoint. On PostgreSQL ``SKIP LOCKED``.

    The order is the queue page's (due date, then id): take next hands out the first case the
    verifier sees there, and the queue index (office, status, due date, id) gives it without
    sorting."""
    candidates = (
        candidates.filter(status=S.SUBMITTED)
        .order_by("due_date", "id")
        .select_related(None)
        .select_related("office", "service_version")
    )
    skip_locked = connection.features.has_select_for_update_skip_locked
    return candidates.select_for_update(skip_locked=skip_locked, of=("self",))[:1]


_NEXT_IN_QUEUE: dict[tuple, tuple] = {}


def _queue_key(user: object) -> tuple:
    """What a verifier's compiled queue query depends on: the database and the jurisdiction."""
    return (
        connection.alias, user.pk, user.role, user.jurisdiction_level, user.regency_id,
        user.kecamatan_id,
    )  # fmt: skip


def _next_in_queue(user: object) -> tuple:
    """The claim's query for ``user``'s queue (:func:`verifier_queue`, the scoping selector)
    as a :class:`~dukcapil.registry.selectors.PreparedLookup` with its parameters: compiled once
    per jurisdiction and prepared on PostgreSQL (a verifier takes the next case again and
    again; compiling the query was a good part of a claim)."""
    from dukcapil.applications.selectors import verifier_queue
    from dukcapil.registry.selectors import PreparedLookup

    key = _queue_key(user)
    found = _NEXT_IN_QUEUE.get(key)
    if found is None:
        queryset = _first_submitted(verifier_queue(user))
        params = tuple(queryset.query.sql_with_params()[1])
        if len(_NEXT_IN_QUEUE) > 1000:
            _NEXT_IN_QUEUE.clear()
        found = _NEXT_IN_QUEUE[key] = (PreparedLookup(lambda *_: queryset, *params), params)
    return found


@dataclass(frozen=True)
class _ClaimStatement:
    sql: str
    queue_params: tuple
    compiler: object  # of the application's columns: their converters
    converters: dict
    attnames: list[str]


_CLAIM_STATEMENTS: dict[tuple, _ClaimStatement] = {}


def _claim_statement(user: object) -> _ClaimStatement:
    """The whole claim of the next case of ``user``'s queue as one PostgreSQL statement,
    compiled once per jurisdiction: lock the first submitted case (``SKIP LOCKED``, the queue's
    order), move it to in_review for ``user``, insert its event, and return the case, the event's
    id and the application's earlier steps (transition, from, to, at; oldest first)."""
    from dukcapil.applications.selectors import verifier_queue

    key = _queue_key(user)
    found = _CLAIM_STATEMENTS.get(key)
    if found is not None:
        return found
    candidates = verifier_queue(user).filter(status=S.SUBMITTED).order_by("due_date", "id")
    queue_sql, queue_params = (
        candidates.values("id").select_for_update(skip_locked=True, of=("self",))[:1]
    ).query.sql_with_params()
    compiler = Application.objects.all().query.get_compiler(connection.alias)
    compiler.setup_query()
    columns = [col for col, _sql, _alias in compiler.select]
    quote = connection.ops.quote_name
    app_table, event_table = Application._meta.db_table, ApplicationEvent._meta.db_table
    returning = ", ".join(f"a.{quote(col.target.column)}" for col in columns)
    # Table and column names of the models; the values are parameters.
    sql = (
        f"WITH next AS ({queue_sql}), "  # noqa: S608
        f"claimed AS (UPDATE {app_table} AS a SET status = %s, assigned_to_id = %s, "
        f"claimed_at = %s FROM next WHERE a.id = next.id RETURNING {returning}), "
        f"event AS (INSERT INTO {event_table} (application_id, transition, from_status, "
        f"to_status, actor_id, actor_kind, actor_label, note, data, at) "
        f"SELECT claimed.id, %s, %s, %s, %s, %s, %s, '', '{{}}'::jsonb, %s FROM claimed "
        f"RETURNING id) "
        f"SELECT claimed.*, event.id, h.transitions, h.sources, h.targets, h.moments "
        f"FROM claimed CROSS JOIN event LEFT JOIN LATERAL ("
        f"SELECT array_agg(e.transition ORDER BY e.at, e.id) AS transitions, "
        f"array_agg(e.from_status ORDER BY e.at, e.id) AS sources, "
        f"array_agg(e.to_status ORDER BY e.at, e.id) AS targets, "
        f"array_agg(e.at ORDER BY e.at, e.id) AS moments "
        f"FROM {event_table} e WHERE e.application_id = claimed.id) h ON TRUE"
    )
    if len(_CLAIM_STATEMENTS) > 1000:
        _CLAIM_STATEMENTS.clear()
    found = _CLAIM_STATEMENTS[key] = _ClaimStatement(
        sql=sql,
        queue_params=tuple(queue_params),
        compiler=compiler,
        converters=compiler.get_converters(columns),
        attnames=[col.target.attname for col in columns],
    )
    return found


def _claim_next_in_one_statement(actor: Actor) -> Application | None:
    """:func:`claim_next` on PostgreSQL: what :func:`_transition_locked` does for a claim
    (the state and jurisdiction checks are the statement's ``WHERE``, the role was checked by the
    caller), in one prepared statement instead of five; then the other apps' effects, in the
    same transaction. Take next is what every verifier does all day, eight at once."""
    from dukcapil.core.db import prepared_rows

    t = TRANSITIONS["claim"]
    statement = _claim_statement(actor.user)
    now = timezone.now()
    user_id = actor.user.pk
    rows = prepared_rows(
        connection,
        statement.sql,
        [
            *statement.queue_params, t.target, user_id, now,
            "claim", S.SUBMITTED, t.target, user_id, actor.kind, actor.label, now,
        ],
    )  # fmt: skip
    if not rows:
        return None
    if statement.converters:
        rows = list(statement.compiler.apply_converters(rows, statement.converters))
    row = rows[0]
    n = len(statement.attnames)
    app = Application.from_db(connection.alias, statement.attnames, row[:n])
    event_id, transitions, sources, targets, moments = row[n:]
    event = ApplicationEvent(
        id=event_id, application=app, transition="claim", from_status=S.SUBMITTED,
        to_status=t.target, actor=actor.user, actor_kind=actor.kind, actor_label=actor.label,
        note="", data={}, at=now,
    )  # fmt: skip
    event._state.adding, event._state.db = False, connection.alias
    # The steps before this one, as read by the statement (the dashboard's rollups need them).
    steps = (transitions or (), sources or (), targets or (), moments or ())
    event.earlier = list(zip(*steps, strict=True))
    _enqueue(t, event)
    _record(event, app)
    return app


def release(*, application: Application, actor: Actor, note: str = "") -> Application:
    def effect(app: Application) -> list[str]:
        app.assigned_to = None
        app.claimed_at = None
        return ["assigned_to", "claimed_at"]

    return _transition(application, "release", actor, note=note, effect=effect)


REVISION_DAYS = 14  # calendar days the applicant has to answer a revision request


def request_revision(
    *,
    application: Application,
    actor: Actor,
    reasons: list[dict],
    note: str = "",
) -> Application:
    """Send the case back to the applicant. ``reasons`` is a list of
    ``{"requirement": code, "reason": RevisionReason, "note": str}``; at least one."""
    if not reasons:
        raise ValidationError(_("Pilih paling sedikit satu alasan perbaikan."), code="no_reason")
    for r in reasons:
        if r.get("reason") not in RevisionReason.values:
            raise ValidationError(
                _("Alasan perbaikan tidak dikenal: %(reason)s") % {"reason": r.get("reason")},
                code="unknown_reason",
            )
        if r.get("reason") == RevisionReason.OTHER and not str(r.get("note", "")).strip():
            raise ValidationError(
                _("Alasan “lainnya” perlu keterangan."), code="reason_note_required"
            )

    def guard(app: Application) -> None:
        codes = {req["code"] for req in app.service_version.requirements}
        unknown = [r["requirement"] for r in reasons if r.get("requirement") not in codes]
        if unknown:
            raise ValidationError(
                _("Persyaratan tidak dikenal: %(codes)s") % {"codes": ", ".join(map(str, unknown))},
                code="unknown_requirement",
            )

    def effect(app: Application) -> list[str]:
        for r in reasons:
            RequirementVerdict.objects.update_or_create(
                application=app,
                requirement_code=r["requirement"],
                defaults={
                    "verdict": RequirementVerdict.Verdict.NEEDS_REVISION,
                    "reason": r["reason"],
                    "note": str(r.get("note", ""))[:500],
                    "by": actor.user,
                },
            )
        app.revision_due_date = timezone.localdate() + dt.timedelta(days=REVISION_DAYS)
        return ["revision_due_date"]

    data = {"reasons": [{k: str(v) for k, v in r.items()} for r in reasons]}
    return _transition(
        application, "request_revision", actor, note=note, data=data, guard=guard, effect=effect
    )


def approve(*, application: Application, actor: Actor, note: str = "") -> Application:
    """Approve, and apply the service's registry change in the same transaction."""
    from dukcapil.applications.registry_effects import apply_registry_change

    def effect(app: Application) -> list[str]:
        app.registry_result = apply_registry_change(app, actor=actor)
        app.decided_at = timezone.now()
        return ["registry_result", "decided_at"]

    return _transition(application, "approve", actor, note=note, effect=effect)


def reject(*, application: Application, actor: Actor, reason: str) -> Application:
    reason = " ".join(str(reason).split())
    if len(reason) < 10:
        raise ValidationError(
            _("Tuliskan alasan penolakan (paling sedikit 10 karakter)."), code="reason_required"
        )

    def effect(app: Application) -> list[str]:
        app.decision_reason = reason
        app.decided_at = timezone.now()
        return ["decision_reason", "decided_at", *_close(app)]

    return _transition(application, "reject", actor, note=reason, effect=effect)


def issue(*, application: Application, actor: Actor, note: str = "") -> Application:
    return _transition(application, "issue", actor, note=note)


def mark_printed(*, application: Application, actor: Actor, note: str = "") -> Application:
    return _transition(application, "mark_printed", actor, note=note)


def ship(*, application: Application, actor: Actor, note: str = "") -> Application:
    return _transition(application, "ship", actor, note=note)


def mark_ready_for_pickup(*, application: Application, actor: Actor, note: str = "") -> Application:
    return _transition(application, "ready_for_pickup", actor, note=note)


def _close(app: Application) -> list[str]:
    """The effect of every transition into a final state."""
    app.closed_at = timezone.now()
    return ["closed_at"]


def complete(
    *, application: Application, actor: Actor, note: str = "", data: dict | None = None
) -> Application:
    return _transition(application, "complete", actor, note=note, data=data, effect=_close)


def cancel(*, application: Application, actor: Actor, note: str = "") -> Application:
    return _transition(application, "cancel", actor, note=note, effect=_close)


def expire(*, application: Application, actor: Actor) -> Application:
    return _transition(application, "expire", actor, effect=_close)
