"""``Idempotency-Key``: a retried request gets the first answer and changes nothing.

The answer is stored in the same transaction as the work, under a unique (caller, key) index. A
plain retry finds it before doing anything. Two copies of one request sent at the same time both
do the work, but only one can insert the answer: on PostgreSQL the second insert waits on the
unique index until the first commits, then fails, which rolls back the second copy's work, and it
answers with what the first stored. If the work fails, nothing is stored, so a corrected retry may
use the same key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dukcapil.api.auth import Caller
from dukcapil.api.models import IdempotencyRecord
from dukcapil.applications.models import Application
from dukcapil.registry.selectors import PreparedLookup

MAX_KEY_LENGTH = 200
# How long an answer is kept; a client retries within minutes, a day leaves room for outages.
KEEP_FOR = dt.timedelta(hours=24)


class IdempotencyConflict(ValidationError):
    """The key was used before with a different request body (HTTP 422)."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    replayed: bool = False


def fingerprint(method: str, path: str, payload: Any) -> str:
    """A hash of what the request asks for: the same JSON in another key order or spacing is the
    same request."""
    canonical = json.dumps(
        [method, path, payload], sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _owner(caller: Caller) -> dict[str, Any]:
    return {"api_key": caller.api_key} if caller.api_key else {"user": caller.user}


# Looked up before every keyed submission: compiled once, prepared on PostgreSQL.
_BY_API_KEY = PreparedLookup(
    lambda api_key_id, key: IdempotencyRecord.objects.filter(api_key_id=api_key_id, key=key), 0, ""
)
_BY_USER = PreparedLookup(
    lambda key, user_id: IdempotencyRecord.objects.filter(key=key, user_id=user_id), "", 0
)


def _stored(caller: Caller, key: str) -> IdempotencyRecord | None:
    if caller.api_key:
        return _BY_API_KEY.first(caller.api_key.pk, key)
    return _BY_USER.first(key, caller.user.pk)


def _replay(record: IdempotencyRecord, request_hash: str) -> Answer:
    if record.request_hash != request_hash:
        raise IdempotencyConflict(
            {
                "Idempotency-Key": [
                    _(
                        "Kunci idempotensi ini sudah dipakai untuk permintaan dengan isi yang "
                        "berbeda. Pakai kunci baru untuk permintaan baru."
                    )
                ]
            },
            code="idempotency_conflict",
        )
    return Answer(record.response_status, record.response_body, replayed=True)


def run_once(
    *,
    caller: Caller,
    key: str | None,
    request_hash: str,
    work: Callable[[], tuple[int, dict[str, Any], Application | None]],
) -> Answer:
    """Run ``work`` (which returns status, JSON body and the application it made) unless ``key``
    was seen before for this caller; then answer as the first time. The work runs in one
    transaction, which an exception rolls back whole."""
    if not key:
        with transaction.atomic():
            status, body, _application = work()
        return Answer(status, body)
    key = key.strip()
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationError(
            {"Idempotency-Key": [_("Kunci idempotensi paling panjang 200 karakter.")]},
            code="idempotency_key_length",
        )
    record = _stored(caller, key)
    if record is not None:
        return _replay(record, request_hash)
    try:
        with transaction.atomic():
            status, body, application = work()
            IdempotencyRecord.objects.create(
                key=key,
                request_hash=request_hash,
                response_status=status,
                response_body=body,
                application=application,
                **_owner(caller),
            )
    except IntegrityError:
        # A concurrent copy of this request stored its answer first (our work rolled back).
        record = _stored(caller, key)
        if record is None:
            raise  # some other constraint: not ours to explain
        return _replay(record, request_hash)
    return Answer(status, body)


def purge_old_answers(*, older_than: dt.timedelta = KEEP_FOR) -> int:
    """Forget answers older than ``older_than`` (a periodic job)."""
    deleted, _detail = IdempotencyRecord.objects.filter(
        created_at__lt=timezone.now() - older_than
    ).delete()
    return deleted
