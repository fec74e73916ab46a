"""The JSON API for integrations, applicants and staff, mounted at ``/api/`` by the root urls.

Its audiences each have their own router (public status, submissions, staff), so that a rule of one
never leaks into another; the schema is at ``/api/openapi.json`` and the docs at ``/api/docs``.
"""

from __future__ import annotations

from ninja import NinjaAPI

from dukcapil.api import errors, public, staff, submissions
from dukcapil.api.docs import LocalSwagger

api = NinjaAPI(
    title="Dukcapil Daring API",
    version="1",
    description=(
        "Online population administration and civil registration: submit applications "
        "(integrations with an API key of one office, or kecamatan operators), follow their "
        "status (applicants), and work the back-office queue (staff).\n\n"
        'Every error is `{"detail": …, "errors": {field: [messages]}}`, in Indonesian by '
        "default and in English with `Accept-Language: en`."
    ),
    urls_namespace="api",
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/v1", submissions.router)
api.add_router("/v1", public.router)
api.add_router("/v1/staff", staff.router)
