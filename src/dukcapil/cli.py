"""The ``dukcapil`` command: any Django management command, with dashes allowed in its name.

``dukcapil serve`` prepares the database and demo data and serves the system (what ``make run``
calls); ``dukcapil seed-population --residents N`` makes synthetic residents.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dukcapil.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dukcapil", *args])


if __name__ == "__main__":
    main()
