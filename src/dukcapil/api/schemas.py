"""Request and response shapes of the JSON API (these make the OpenAPI schema)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from dukcapil.applications.models import RevisionReason
from dukcapil.core.text import nul_at

Channel = Literal["api", "web", "whatsapp", "operator"]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: Any) -> Any:
    # pydantic would also read 0 or "1700000000" as a Unix time: a birth date is written out.
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise PydanticCustomError("date_format", "Expected a date as YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]


class StrictSchema(Schema):
    # An unknown field is a typo on the client's side: say so rather than drop it silently.
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul_character(cls, data: Any) -> Any:
        # No text the system keeps may hold NUL (PostgreSQL refuses it in text and JSON): a
        # request with one is refused where it is (``at``), before anything reads it.
        at = nul_at(data) if isinstance(data, dict) else None
        if at is not None:
            raise PydanticCustomError(
                "string_nul", "Text must not contain a NUL character", {"at": ".".join(at)}
            )
        return data


class Error(Schema):
    detail: str = Field(description="What went wrong, in the language of the request")
    errors: dict[str, list[str]] = Field(
        description="Messages per field (`applicant.nik`, `attachments.ktp_kepala`, …); "
        "`__all__` for the request as a whole"
    )


class Coded(Schema):
    code: str
    label: str


# ---- submitting --------------------------------------------------------------------------------


class IdentityIn(StrictSchema):
    nik: str = Field(description="16-digit NIK of the applicant", examples=["3673011403850001"])
    kk_number: str = Field(description="16-digit number of the applicant's family card (KK)")
    birth_date: IsoDate = Field(description="Birth date of the applicant (YYYY-MM-DD)")


class AttachmentIn(StrictSchema):
    content_base64: str = Field(
        description="The file, base64-encoded; JPEG, PNG or PDF, at most 5 MB decoded"
    )
    filename: str = Field("", max_length=200, description="The file's name on the client")


class DeliveryIn(StrictSchema):
    method: Literal["pickup", "post"] = "pickup"
    address: dict[str, Any] | None = Field(
        None,
        description="For post: {desa, rt, rw, address, postal_code}",
        examples=[
            {
                "desa": "36.73.01.1001",
                "rt": "1",
                "rw": "2",
                "address": "Jalan Veteran 12",
                "postal_code": "42111",
            }
        ],  # fmt: skip
    )


class SubmitIn(StrictSchema):
    service: str = Field(description="Service code from the catalogue", examples=["KK_HILANG"])
    applicant: IdentityIn
    applicant_relation: Literal["self", "family_member"] = Field(
        "self", description="Whether the applicant applies for themself or a family member"
    )
    channel: Channel | None = Field(
        None, description="Where the request came from: `api` for integrations by default"
    )
    phone: str = Field("", max_length=16, description="Applicant's phone, E.164 without '+'")
    language: Literal["id", "en"] | None = Field(
        None, description="Language of the notifications; the request's language by default"
    )
    form_data: dict[str, Any] = Field(
        default_factory=dict, description="Values of the service's field requirements"
    )
    declarations: list[str] = Field(
        default_factory=list, description="Codes of the declarations the applicant accepts"
    )
    privacy_acknowledged: bool = Field(
        False, description="The applicant has read the privacy notice (required)"
    )
    consent_recorded: bool = Field(
        False, description="Operator: the applicant's consent was recorded on paper"
    )
    delivery: DeliveryIn = Field(default_factory=DeliveryIn)
    attachments: dict[str, AttachmentIn] = Field(
        default_factory=dict, description="One file per upload requirement code"
    )


class AttachmentOut(Schema):
    requirement: str
    sha256: str
    content_type: str
    size: int


class SubmittedOut(Schema):
    tracking_number: str = Field(description="9 characters, the last a check character")
    tracking_display: str = Field(description="The same in groups of three: K7M-2QX-9PA")
    status: Coded
    service: Coded
    office: str = Field(description="Kemendagri code of the regency office handling it")
    submitted_at: dt.datetime
    due_date: dt.date | None = Field(description="Service-level due date (working days)")
    attachments: list[AttachmentOut]


# ---- public status -------------------------------------------------------------------------


class TimelineEntry(Schema):
    at: dt.datetime
    step: Coded
    from_status: Coded | None
    to_status: Coded


class RevisionReasonOut(Schema):
    requirement: Coded
    reason: Coded
    note: str


class StatusOut(Schema):
    tracking_number: str
    tracking_display: str
    status: Coded
    service: Coded
    submitted_at: dt.datetime | None
    due_date: dt.date | None
    revision_due_date: dt.date | None = Field(description="When needs_revision: answer before")
    revision_reasons: list[RevisionReasonOut] = Field(description="When needs_revision")
    decision_reason: str | None = Field(description="When rejected")
    timeline: list[TimelineEntry]


# ---- staff ---------------------------------------------------------------------------------


class StaffSummary(Schema):
    tracking_number: str
    tracking_display: str
    status: Coded
    service: Coded
    channel: Coded
    office: str
    kecamatan: Coded
    submitted_at: dt.datetime | None
    due_date: dt.date | None
    overdue: bool
    assigned_to: str | None


class StaffPage(Schema):
    items: list[StaffSummary]
    next: str | None = Field(description="Pass as `after` for the next page; null at the end")


class StaffAttachment(Schema):
    requirement: str
    sha256: str
    content_type: str
    size: int
    original_name: str
    uploaded_at: dt.datetime
    superseded: bool


class StaffVerdict(Schema):
    requirement: str
    verdict: Coded
    reason: Coded | None
    note: str


class StaffEvent(Schema):
    at: dt.datetime
    step: Coded
    from_status: Coded | None
    to_status: Coded
    actor_kind: str
    actor: str
    note: str


class Applicant(Schema):
    name: str
    nik: str = Field(description="Masked unless the role sees full identifiers")
    relation: Coded
    phone: str


class StaffDetail(StaffSummary):
    applicant: Applicant | None
    form_data: dict[str, Any]
    declarations: dict[str, Any]
    privacy_acknowledged_at: dt.datetime | None
    delivery_method: Coded
    delivery_address: dict[str, Any]
    revision_due_date: dt.date | None
    decision_reason: str
    attachments: list[StaffAttachment]
    verdicts: list[StaffVerdict]
    events: list[StaffEvent]
    allowed_actions: list[str] = Field(description="Actions this user can take now")


# Issuing (signing the documents after the TOTP is entered again), printing cards and shipping
# (booking the parcel with the courier) are done in the documents and delivery apps, which make
# the transition themselves: the API does not offer them as bare steps.
Action = Literal[
    "claim", "release", "request_revision", "approve", "reject", "ready_for_pickup", "complete",
]  # fmt: skip
ACTION_NAMES: frozenset[str] = frozenset(Action.__args__)


class RevisionReasonIn(StrictSchema):
    requirement: str = Field(description="Requirement code")
    reason: Literal[tuple(RevisionReason.values)]  # type: ignore[valid-type]
    note: str = Field("", max_length=500)


class ActionIn(StrictSchema):
    note: str = Field("", max_length=1000)
    reason: str = Field("", max_length=2000, description="reject: why (10 characters or more)")
    reasons: list[RevisionReasonIn] = Field(
        default_factory=list, description="request_revision: what to fix (one or more)"
    )
