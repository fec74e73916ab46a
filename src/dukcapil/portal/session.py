"""What a citizen's browser session holds: after the identity check, which resident they are
(for a short time); after a status lookup, which applications they may see.

The session is Django's (server-side, its id in a signed, HTTP-only cookie). Signing in rotates the
session id so that an id planted before the check is worth nothing after it.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone

from dukcapil.applications.models import Application

CITIZEN_KEY = "portal_citizen"
CASES_KEY = "portal_cases"
SESSION_MINUTES = 30


def sign_in(request: HttpRequest, resident_id: int) -> None:
    request.session.cycle_key()
    until = timezone.now() + dt.timedelta(minutes=SESSION_MINUTES)
    request.session[CITIZEN_KEY] = {"resident": resident_id, "until": until.isoformat()}
    request.session.set_expiry(SESSION_MINUTES * 60)


def sign_out(request: HttpRequest) -> None:
    request.session.pop(CITIZEN_KEY, None)
    request.session.pop(CASES_KEY, None)


def resident_id(request: HttpRequest) -> int | None:
    """The resident who passed the identity check in this session, while it is still fresh."""
    entry = request.session.get(CITIZEN_KEY)
    if not entry:
        return None
    if dt.datetime.fromisoformat(entry["until"]) < timezone.now():
        request.session.pop(CITIZEN_KEY, None)
        return None
    return int(entry["resident"])


def grant(request: HttpRequest, application: Application) -> None:
    """This session may see ``application`` (its tracking number and birth date were given)."""
    cases = [t for t in request.session.get(CASES_KEY, []) if t != application.tracking_number]
    request.session[CASES_KEY] = [*cases[-9:], application.tracking_number]
    if request.session.get_expiry_age() > SESSION_MINUTES * 60:
        request.session.set_expiry(SESSION_MINUTES * 60)


def may_see(request: HttpRequest, application: Application) -> bool:
    if application.tracking_number in request.session.get(CASES_KEY, []):
        return True
    return application.applicant_id is not None and application.applicant_id == resident_id(request)
