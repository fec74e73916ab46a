"""What the portal (and the operator console) do with a posted application form.

Every change goes through :mod:`dukcapil.applications.services` and
:mod:`dukcapil.applications.workflow`; this module only splits a form into their calls so that one
bad answer never throws away the good ones (a failed upload keeps what was already filled in).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from dukcapil.applications import identity, services, workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application, DeliveryMethod, IdentityCheckFailure, Status
from dukcapil.applications.selectors import get_by_tracking_number
from dukcapil.catalog.models import RequirementKind
from dukcapil.core.crypto import blind_index
from dukcapil.portal import fields

PICKUP, POST_FAMILY, POST_OTHER = "pickup", "post_family", "post_other"
DELIVERY_FIELDS = ("desa", "rt", "rw", "address", "postal_code")
Errors = dict[str, list[str]]


def family_address(app: Application) -> dict[str, str]:
    family = app.family
    if family is None:
        return {}
    return {"desa": family.desa_id, "rt": family.rt, "rw": family.rw, "address": family.address,
            "postal_code": family.postal_code}  # fmt: skip


def delivery_choice(app: Application) -> str:
    """How the stored delivery reads as the form's choice."""
    if app.delivery_method != DeliveryMethod.POST:
        return PICKUP
    family = family_address(app)
    same = all(str(app.delivery_address.get(k, "")) == str(family.get(k, "")) for k in family)
    return POST_FAMILY if same and family else POST_OTHER


def _messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _merge(errors: Errors, error: ValidationError, default_key: str) -> None:
    if hasattr(error, "error_dict"):
        for key, items in error.message_dict.items():
            errors.setdefault(default_key if key == "__all__" else key, []).extend(items)
    else:
        errors.setdefault(default_key, []).extend(_messages(error))


def save_answers(
    *,
    application: Application,
    actor: Actor,
    post: Mapping[str, Any],
    files: Mapping[str, Any],
    requirements: list[dict] | None = None,
    with_declarations: bool = True,
) -> Errors:
    """Store what the form gave: each field, each file, the declarations, the privacy notice,
    the operator's record of consent and the delivery choice, each on its own, so that a refusal
    of one keeps the others. The errors by requirement code (``privacy``, ``delivery``, …)."""
    version = application.service_version
    requirements = version.requirements if requirements is None else requirements
    errors: Errors = {}
    for code, value in fields.form_data_from_post(requirements, post).items():
        try:
            services.fill_application(application=application, actor=actor,
                                      form_data={code: value})  # fmt: skip
        except ValidationError as e:
            _merge(errors, e, code)
    for r in requirements:
        upload = files.get(r["code"]) if r["kind"] == RequirementKind.UPLOAD else None
        if upload is None:
            continue
        try:
            services.add_attachment(
                application=application, actor=actor, requirement_code=r["code"],
                content=upload.read(services.MAX_UPLOAD_BYTES + 1),
                original_name=getattr(upload, "name", "")[:200],
            )  # fmt: skip
        except ValidationError as e:
            _merge(errors, e, r["code"])
    declarations = [r["code"] for r in requirements if r["kind"] == RequirementKind.DECLARATION
                    and post.get(f"declaration__{r['code']}")]  # fmt: skip
    extra: dict[str, Any] = {}
    if with_declarations and declarations:
        extra["declarations"] = declarations
    if post.get("privacy"):
        extra["privacy_acknowledged"] = True
    if post.get("consent"):
        extra["consent_recorded"] = True
    if extra:
        try:
            services.fill_application(application=application, actor=actor, **extra)
        except ValidationError as e:
            _merge(errors, e, "declarations")
    if "delivery" in post:
        try:
            _save_delivery(application, actor, post)
        except ValidationError as e:
            errors.setdefault("delivery", []).extend(_messages(e))
    application.refresh_from_db()
    return errors


def _save_delivery(app: Application, actor: Actor, post: Mapping[str, Any]) -> None:
    choice = post.get("delivery")
    if choice == PICKUP:
        method, address = DeliveryMethod.PICKUP, None
    elif choice == POST_FAMILY:
        method, address = DeliveryMethod.POST, family_address(app)
    elif choice == POST_OTHER:
        method = DeliveryMethod.POST
        address = {k: str(post.get(f"delivery__{k}", "")).strip() for k in DELIVERY_FIELDS}
    else:
        raise ValidationError(_("Pilih cara menerima dokumen."))
    services.fill_application(
        application=app, actor=actor, delivery_method=method, delivery_address=address
    )


def submit(*, application: Application, actor: Actor) -> tuple[Application, Errors]:
    """Submit a draft, or send a revision back; the errors when something is still missing."""
    try:
        if application.status == Status.NEEDS_REVISION:
            return workflow.resubmit(application=application, actor=actor), {}
        return workflow.submit(application=application, actor=actor), {}
    except ValidationError as e:
        errors: Errors = {}
        if getattr(e, "code", "") == "privacy_not_acknowledged":
            errors["privacy"] = _messages(e)
        else:
            _merge(errors, e, "__all__")
        return application, errors


# ---------------------------------------------------------------------------------------------
# Status lookup: tracking number and the applicant's birth date, limited per address.


class StatusNotFound(ValidationError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Nomor registrasi atau tanggal lahir tidak cocok. Periksa nomor pada tanda terima "
                "dan tanggal lahir pemohon, lalu coba lagi."
            ),
            code="status_not_found",
        )


class StatusLocked(ValidationError):
    def __init__(self) -> None:
        super().__init__(
            _("Terlalu banyak percobaan. Tunggu %(minutes)s menit, lalu coba lagi.")
            % {"minutes": int(identity.window().total_seconds() // 60)},
            code="status_locked",
        )


def _keys(ip: str, tracking_text: str) -> list[tuple[str, str]]:
    """Wrong lookups are counted per address and per tracking number (so that guessing the
    birth date of one known number from many addresses is throttled too)."""
    number = "".join(c for c in tracking_text.upper() if c.isalnum())
    return [
        (IdentityCheckFailure.Scope.IP, blind_index(ip or "-", purpose="portal-status-ip")),
        # Stored under the NIK scope: the limit per thing a guesser targets.
        (IdentityCheckFailure.Scope.NIK, blind_index(number, purpose="portal-status-number")),
    ]


def open_status(*, tracking_text: str, birth_date: dt.date | None, ip: str) -> Application:
    """The application whose tracking number this is, if ``birth_date`` is its applicant's.
    A wrong number and a wrong date get the same refusal; past the limit of wrong answers per
    address or per tracking number within the window, lookups are refused for a while."""
    since = timezone.now() - identity.window()
    keys = _keys(ip, tracking_text)
    for scope, key in keys:
        recent = IdentityCheckFailure.objects.filter(scope=scope, key=key, at__gt=since).count()
        if recent >= identity.limit(scope):
            raise StatusLocked()
    app = get_by_tracking_number(tracking_text) if birth_date else None
    if app is None or app.applicant is None or app.applicant.birth_date != birth_date:
        now = timezone.now()
        IdentityCheckFailure.objects.bulk_create(
            IdentityCheckFailure(scope=scope, key=key, at=now) for scope, key in keys
        )
        raise StatusNotFound()
    return app
