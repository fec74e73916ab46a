"""Helpers for dashboard tests: applications walked through the real workflow functions."""

from __future__ import annotations

from dukcapil.accounts.models import Role
from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application
from dukcapil.applications.testing import make_application, make_household, make_staff

DESA = {"36.73": "36.73.01.1001", "36.03": "36.03.01.2003"}


class Office:
    """The staff of one regency office, as workflow actors."""

    def __init__(self, regency: str) -> None:
        self.regency = regency
        self.verifier = Actor.staff(make_staff(Role.VERIFIER, regency=regency))
        self.signer = Actor.staff(make_staff(Role.SIGNING_OFFICIAL, regency=regency))
        self.dispatch = Actor.staff(make_staff(Role.DISPATCH_OFFICER, regency=regency))

    def new(self, service: str = "KK_HILANG", channel: str = "web") -> Application:
        household = make_household(DESA[self.regency])
        return make_application(service, household=household, channel=channel)

    def walk(self, app: Application, *steps: str, reasons: list | None = None) -> Application:
        """Apply ``steps`` (workflow function names) in order with this office's staff."""
        for step in steps:
            if step in ("claim", "approve", "release"):
                app = getattr(workflow, step)(application=app, actor=self.verifier)
            elif step == "reject":
                app = workflow.reject(application=app, actor=self.verifier,
                                      reason="Dokumen tidak sesuai persyaratan")  # fmt: skip
            elif step == "request_revision":
                app = workflow.request_revision(
                    application=app, actor=self.verifier,
                    reasons=reasons or [{"requirement": "laporan_kehilangan",
                                         "reason": "unreadable"}],
                )  # fmt: skip
            elif step == "issue":
                app = workflow.issue(application=app, actor=self.signer)
            elif step in ("mark_printed", "ship", "mark_ready_for_pickup", "complete"):
                app = getattr(workflow, step)(application=app, actor=self.dispatch)
            elif step == "expire":
                app = workflow.expire(application=app, actor=Actor.system("uji"))
            else:
                raise ValueError(step)
        return app
