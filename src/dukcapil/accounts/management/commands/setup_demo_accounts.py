"""``dukcapil setup-demo-accounts``: one demo account per role, and their logins on screen.

Idempotent: a second run prints the same logins (see :mod:`dukcapil.accounts.demo`).
"""

from __future__ import annotations

import io
from typing import Any

import segno
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from dukcapil.accounts.demo import DemoAccount, credentials_path, ensure_demo_accounts


class Command(BaseCommand):
    help = "Buat akun demo untuk setiap peran (kata sandi, TOTP, kode cadangan) dan tampilkan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-qr", action="store_true", help="jangan tampilkan kode QR TOTP")

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = ensure_demo_accounts()
        self.stdout.write(
            self.style.MIGRATE_HEADING(
                _("Akun demo (data sintetis; kredensial tersimpan di %(path)s)")
                % {"path": credentials_path()}
            )
        )
        for account in accounts:
            self.write_account(account, qr=not options["no_qr"])

    def write_account(self, account: DemoAccount, *, qr: bool) -> None:
        user = account.user
        state = _("baru dibuat") if account.created else _("sudah ada")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"== {account.username}") + f"  ({state})")
        rows = [
            (_("Nama"), user.get_full_name()),
            (_("Peran"), user.get_role_display()),
            (_("Wilayah kerja"), user.jurisdiction_name),
            (_("Kata sandi"), account.password),
            (_("Rahasia TOTP"), account.totp_secret),
            (_("URI TOTP"), account.otpauth_uri),
            (_("Kode cadangan"), "  ".join(account.backup_codes)),
        ]
        width = max(len(label) for label, _value in rows)
        for label, value in rows:
            self.stdout.write(f"   {label.ljust(width)} : {value}")
        if qr:
            buffer = io.StringIO()
            segno.make(account.otpauth_uri, error="l").terminal(out=buffer, compact=True)
            # Written whole: OutputWrapper would add a line end to every piece segno writes.
            self.stdout.write(buffer.getvalue(), ending="")
