"""``GET /api/v1/applications/{tracking_number}/status``: the applicant follows their application
with its tracking number and their birth date; no login, limited per address."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.decorators import decorate_view
from ninja.renderers import JSONRenderer

from dukcapil.api import render, selectors
from dukcapil.api.guards import rate_limited
from dukcapil.api.schemas import Error, IsoDate, StatusOut

router = Router(tags=["status"])
_JSON = JSONRenderer()  # the API's renderer (NinjaAPI's default)


@router.get(
    "/applications/{tracking_number}/status",
    auth=None,
    response={200: StatusOut, 400: Error, 404: Error, 422: Error, 429: Error},
    operation_id="application_status",
    summary="Status of an application (public)",
    description=(
        "The tracking number is checked by its check character first: a mistyped number is a "
        "400 without any lookup. An unknown number and a birth date that is not the applicant's "
        "get the same 404. Labels are in the request's language (`Accept-Language: en`). "
        "Limited per client address: past the limit 429 with `Retry-After`."
    ),
)
@decorate_view(rate_limited("status"))
def application_status(
    request: HttpRequest,
    tracking_number: str,
    birth_date: Query[IsoDate],
) -> HttpResponse:
    app, events = selectors.public_status(tracking_text=tracking_number, birth_date=birth_date)
    # render.public_status builds exactly StatusOut (the tests hold it to the schema): rendered
    # as it is, without validating it into the schema's models and dumping it out again, which
    # was a good part of a lookup's cost.
    body = _JSON.render(request, render.public_status(app, events), response_status=200)
    return HttpResponse(body, content_type=f"{_JSON.media_type}; charset={_JSON.charset}")
