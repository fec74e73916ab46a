"""``dukcapil scheduler``: periodic jobs of the system (run by ``dukcapil serve``; in production
run one instance, e.g. as a systemd service). Each job is idempotent."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def run_periodic_jobs() -> dict[str, int]:
    from dukcapil.api.idempotency import purge_old_answers
    from dukcapil.applications.identity import forget_old_failures
    from dukcapil.applications.services import expire_unanswered_revisions
    from dukcapil.dashboard.rollups import purge_empty_open_counts
    from dukcapil.delivery.tracking import poll_due_shipments
    from dukcapil.notifications.dispatch import periodic as notifications_periodic
    from dukcapil.whatsapp.services import requeue_stalled

    result = {
        "expired": expire_unanswered_revisions(),
        "identity_failures_forgotten": forget_old_failures(),
        "idempotency_answers_purged": purge_old_answers(),
        "parcels_polled": poll_due_shipments(),
        "dashboard_empty_open_counts_purged": purge_empty_open_counts(),
    }
    result.update(notifications_periodic())
    result.update(requeue_stalled())
    return result


class Command(BaseCommand):
    help = "Jalankan pekerjaan berkala (kedaluwarsa perbaikan, …)"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=300.0, help="seconds between runs")
        parser.add_argument("--once", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            close_old_connections()
            try:
                result = run_periodic_jobs()
                logger.info("periodic jobs: %s", result)
            except Exception:  # a failed run is logged and retried at the next interval
                logger.exception("periodic jobs failed")
            if options["once"]:
                return
            time.sleep(options["interval"])
