"""``dukcapil dashboard-recount``: recount the dashboard's rollups from the raw events and report
every difference (exit status 1 when there is one); ``--fix`` rewrites the rollups."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from dukcapil.dashboard import recount


class Command(BaseCommand):
    help = "Recount the dashboard rollups from the application events and report differences."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--fix", action="store_true", help="rewrite the rollups")
        parser.add_argument("--show", type=int, default=50, help="differences to print")

    def handle(self, *args, fix: bool, show: int, **options) -> None:  # noqa: ANN002, ANN003
        recounted = recount.recount()
        differences = recount.compare(recount.stored(), recounted)
        if not differences:
            self.stdout.write("Rollup dasbor sesuai dengan hitungan ulang dari peristiwa.")
            return
        for difference in differences[:show]:
            self.stdout.write(str(difference))
        self.stdout.write(f"{len(differences)} perbedaan.")
        if fix:
            recount.rewrite(recounted)
            self.stdout.write("Rollup ditulis ulang dari hitungan ulang.")
            return
        raise CommandError(f"{len(differences)} differences between rollups and events")
