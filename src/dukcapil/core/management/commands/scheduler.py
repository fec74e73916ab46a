"""``dukcapil scheduler``: periodic jobs of the system (run by ``dukcapil serve``; in production
run one instance, e.g. as a systemd service). Each job is idempotent."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

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


NIGHTLY_HOUR = 1  # local time (settings.TIME_ZONE) after which the nightly jobs run, once a day


def run_nightly_jobs() -> dict[str, int]:
    """The heavy checks, once a night: the dashboard's rollups recounted from the raw events
    (``dukcapil dashboard-recount`` without ``--fix``); a difference is logged as an error for
    the operators, who repair with ``--fix`` after looking."""
    from dukcapil.dashboard import recount

    differences = recount.compare(recount.stored(), recount.recount())
    for difference in differences[:20]:
        logger.error("dashboard rollup differs from the recount: %s", difference)
    if differences:
        logger.error("dashboard recount: %d differences", len(differences))
    return {"dashboard_recount_differences": len(differences)}


def nightly_due(now: dt.datetime, last_day: dt.date | None) -> bool:
    """Whether the nightly jobs are due at ``now`` (aware), having last run on ``last_day``."""
    local = timezone.localtime(now)
    return local.hour >= NIGHTLY_HOUR and local.date() != last_day


class Command(BaseCommand):
    help = "Jalankan pekerjaan berkala (kedaluwarsa perbaikan, …)"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=300.0, help="seconds between runs")
        parser.add_argument("--once", action="store_true")
        parser.add_argument(
            "--nightly", action="store_true", help="run the nightly jobs now (with --once)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        last_nightly: dt.date | None = None
        while True:
            close_old_connections()
            try:
                result = run_periodic_jobs()
                logger.info("periodic jobs: %s", result)
            except Exception:  # a failed run is logged and retried at the next interval
                logger.exception("periodic jobs failed")
            now = timezone.now()
            if options["nightly"] or (not options["once"] and nightly_due(now, last_nightly)):
                last_nightly = timezone.localtime(now).date()
                try:
                    logger.info("nightly jobs: %s", run_nightly_jobs())
                except Exception:  # retried the next night
                    logger.exception("nightly jobs failed")
            if options["once"]:
                return
            time.sleep(options["interval"])
