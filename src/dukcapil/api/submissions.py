"""``POST /api/v1/applications``: integrations (API key of one office) and kecamatan operators
(staff session) submit a complete application in one request."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Header, Router
from ninja.decorators import decorate_view

from dukcapil.api import idempotency, render, services
from dukcapil.api.auth import INTEGRATION_OR_STAFF
from dukcapil.api.guards import body_limit
from dukcapil.api.schemas import Error, SubmitIn, SubmittedOut

router = Router(tags=["applications"])

# Several files of up to 5 MB each, as base64 (4 characters per 3 bytes), and the form.
MAX_BODY_BYTES = 32 * 1024 * 1024

ERRORS = {code: Error for code in (400, 401, 403, 404, 409, 413, 422)}


@router.post(
    "/applications",
    auth=INTEGRATION_OR_STAFF,
    response={201: SubmittedOut, **ERRORS},
    operation_id="submit_application",
    summary="Submit an application",
    description=(
        "Creates, fills and submits an application in one transaction: all of it or nothing. "
        "The applicant is named by NIK, KK number and birth date, which must all match the "
        "registry (the answer never says which did not); an API key may apply only for residents "
        "of its own office's regency. Files go in `attachments`, one per upload requirement, "
        "base64-encoded (JPEG, PNG or PDF, at most 5 MB each).\n\n"
        "Send an `Idempotency-Key` header to retry safely: the same key with the same body "
        "returns the first answer (with `Idempotent-Replayed: true`) and creates nothing; the "
        "same key with another body is refused with 422."
    ),
)
@decorate_view(body_limit(MAX_BODY_BYTES))
def submit_application(
    request: HttpRequest,
    payload: SubmitIn,
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", description="Any unique string (a UUID), up to 200 chars"
    ),
) -> HttpResponse:
    caller = request.auth

    def work():  # noqa: ANN202 - (status, body, application)
        submission = services.submit_for_caller(
            caller=caller,
            service_code=payload.service,
            identity=services.Identity(**payload.applicant.model_dump()),
            applicant_relation=payload.applicant_relation,
            channel=payload.channel,
            phone=payload.phone,
            language=payload.language,
            form_data=payload.form_data,
            declarations=payload.declarations,
            privacy_acknowledged=payload.privacy_acknowledged,
            consent_recorded=payload.consent_recorded,
            delivery_method=payload.delivery.method,
            delivery_address=payload.delivery.address,
            uploads=[
                services.Upload(code, a.content_base64, a.filename)
                for code, a in payload.attachments.items()
            ],
        )
        app = submission.application
        body = render.submitted(app, service_code=payload.service, files=submission.files)
        return 201, body, app

    request_hash = (
        idempotency.fingerprint(request.method, request.path, payload.model_dump(mode="json"))
        if idempotency_key
        else ""
    )
    try:
        answer = idempotency.run_once(
            caller=caller, key=idempotency_key, request_hash=request_hash, work=work
        )
    except ValidationError as error:  # the work rolled back: named as the request names things
        raise services.qualified(
            error, service_code=payload.service, form_data=payload.form_data,
            declarations=payload.declarations, attachments=list(payload.attachments),
        ) from error  # fmt: skip
    response = JsonResponse(answer.body, status=answer.status)
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response
