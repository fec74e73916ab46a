"""Transitions of many applications at once update the same counter rows: they wait for each
other (row locks, keys taken in one order) and never deadlock or lose a count."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from dukcapil.dashboard import recount
from dukcapil.dashboard.models import RegencyDay


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_transitions_lose_no_count(serang):
    apps = [serang.new() for _ in range(8)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def work(batch):
        try:
            barrier.wait()
            for app in batch:
                serang.walk(app, "claim", "approve", "issue", "mark_ready_for_pickup", "complete")
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(apps[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    row = RegencyDay.objects.get(regency="36.73", service="KK_HILANG", channel="web")
    assert (row.received, row.approved, row.issued, row.completed) == (8, 8, 8, 8)
    assert recount.compare(recount.stored(), recount.recount()) == []
