"""``dukcapil dashboard-history --applications N``: a province-scale history (applications, events
and the rollups built from them) for the dashboard benchmark. PostgreSQL only."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dukcapil.dashboard import history


class Command(BaseCommand):
    help = "Generate a synthetic province-scale history of applications (COPY, PostgreSQL)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--applications", type=int, default=10_000_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, applications: int, seed: int, **options) -> None:  # noqa: ANN002, ANN003
        counts = history.generate(applications, seed=seed, progress=self.stdout.write)
        self.stdout.write(
            f"{counts['applications']:,} permohonan, {counts['events']:,} peristiwa, "
            f"{counts['seconds']:.0f} detik."
        )
