"""Form fields asked in the chat, one question at a time.

The questions are the portal's inputs (:data:`dukcapil.portal.fields.PARTS`, read, never edited):
each catalogue ``field_type`` is a few parts; the answers are put back into the structure the
catalogue's cleaner expects with :func:`dukcapil.portal.fields.value_from_parts`, and stored with
:func:`dukcapil.applications.services.fill_application` on the same draft (so the web can go on
with what WhatsApp started and the other way round). Each answer is checked at once with the
cleaners' own pieces (:mod:`dukcapil.applications.requirements`, the registry's identifiers);
the whole field is then judged by the cleaner itself when stored.

Text answers are typed; choices are reply buttons (up to 3) or lists (paged beyond 10 rows); dates
are written DD-MM-YYYY; optional questions can be skipped with *lewati*.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from dukcapil.applications import requirements as cleaners
from dukcapil.applications import services as applications
from dukcapil.applications.models import Application
from dukcapil.catalog.models import RequirementKind, requirement_label
from dukcapil.portal import fields as portal_fields
from dukcapil.portal.fields import Part
from dukcapil.registry import identifiers
from dukcapil.whatsapp import messages
from dukcapil.whatsapp.messages import Row
from dukcapil.whatsapp.turn import S, Turn, error_text

SKIP_WORDS = {"lewati", "skip", "-", "kosong", "tidak ada"}
CHOICE = "fv:"  # a chosen value
PAGE = "fp:"  # a page of a long list
KECAMATAN = "fk:"  # the kecamatan whose desa are listed
NOT_FUTURE_EXCEPT = {"moved_on"}  # a move may be announced ahead
CERTIFICATE_NAMES = {("newborn", "name")}  # names written on a certificate (stricter rules)
DESTINATION_ADDRESS = ("destination_rt", "destination_rw", "destination_postal_code")


# ---------------------------------------------------------------------------------------------
# Which questions a field asks


def field_requirements(app: Application) -> list[dict]:
    return app.service_version.requirements_of_kind(RequirementKind.FIELD)


def _field_type(requirement: dict) -> str:
    return requirement.get("field_type", "text")


def relevant_parts(requirement: dict, answers: dict[str, str]) -> list[Part]:
    """The parts asked for this field, given the answers so far (a move within the province asks
    the destination desa with its RT/RW/postal code; a move elsewhere the destination kecamatan)."""
    parts = list(portal_fields.parts_of(requirement))
    if _field_type(requirement) != "move" or "destination_desa" not in answers:
        return parts
    if answers["destination_desa"]:  # within the province
        return [replace(p, optional=False) if p.name in DESTINATION_ADDRESS else p
                for p in parts if p.name != "destination_kecamatan"]  # fmt: skip
    return [replace(p, optional=False) if p.name == "destination_kecamatan" else p
            for p in parts if p.name not in DESTINATION_ADDRESS]  # fmt: skip


def next_part(requirement: dict, answers: dict[str, str]) -> Part | None:
    for part in relevant_parts(requirement, answers):
        if part.name not in answers:
            return part
    return None


def choices_of(requirement: dict, part: Part, answers: dict[str, str]) -> list[tuple[str, str]]:
    """The (value, label) choices of a part; the corrected value of a data change is a choice when
    the changed data is one (religion, education, blood type, marital status)."""
    if part.choices:
        return [(str(v), str(label)) for v, label in part.choices]
    if _field_type(requirement) == "data_change" and part.name == "value":
        choices = portal_fields.CHOICE_FIELDS.get(answers.get("field", ""))
        if choices is not None:
            return [(str(v), str(label)) for v, label in choices.choices]
    return []


def asks_identity_number(conversation: Any) -> bool:
    """Whether the question waiting for an answer asks NIKs or a KK number (the message log then
    keeps only their last digits, as for the identity check)."""
    data = conversation.data or {}
    if conversation.state not in (S.REQUIREMENTS, S.REVISION) or not data.get("field"):
        return False
    part = str(data.get("part", ""))
    return part.endswith("nik") or part in ("niks", "join_kk")


# ---------------------------------------------------------------------------------------------
# Checking one answer


DATE_PATTERNS = (
    (r"(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})", "dmy"),
    (r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"),
)
COMPACT_DATE = (r"(\d{2})(\d{2})(\d{4})", "dmy")


def parse_date(text: str, *, compact: bool = False) -> dt.date | None:
    """DD-MM-YYYY (also with / or . or spaces), or YYYY-MM-DD; with ``compact`` also DDMMYYYY."""
    text = text.strip()
    for pattern, order in (*DATE_PATTERNS, COMPACT_DATE) if compact else DATE_PATTERNS:
        match = re.fullmatch(pattern, text)
        if match:
            a, b, c = (int(g) for g in match.groups())
            day, month, year = (a, b, c) if order == "dmy" else (c, b, a)
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None


def _lines(text: str) -> list[str]:
    return [x for x in re.split(r"[\s,;]+", text) if x]


def _check_desa(value: str) -> str:
    from dukcapil.regions.selectors import get_desa

    desa = get_desa(value.strip())
    if desa is None:
        raise ValidationError(
            _("Desa/kelurahan %(code)s tidak ada di wilayah layanan.") % {"code": value}
        )
    return desa.code


def _check_kecamatan(value: str) -> str:
    from dukcapil.regions.selectors import is_known_kecamatan_prefix

    code = value.strip().replace(".", "")
    if not is_known_kecamatan_prefix(code):
        raise ValidationError(_("Kode kecamatan %(code)s tidak dikenal.") % {"code": value})
    return value.strip()


def check_answer(field_type: str, part: Part, text: str, answers: dict[str, str]) -> str:
    """The stored form of one answer, or ``ValidationError`` saying what is wrong. The checks are
    the cleaners' own (the whole field is cleaned again when it is stored)."""
    label = str(part.label)
    name = part.name.removeprefix("member_").removeprefix("address_")
    if part.widget == "date":
        parsed = parse_date(text)
        if parsed is None:
            raise ValidationError(
                _("%(label)s tidak dapat dibaca: tulis tanggalnya seperti 17-08-2024 "
                  "(tanggal-bulan-tahun).") % {"label": label}
            )  # fmt: skip
        return cleaners._date(parsed, label=label, not_future=part.name not in NOT_FUTURE_EXCEPT)
    if part.widget == "desa" or part.name == "destination_desa":
        return _check_desa(text)
    if part.name == "destination_kecamatan":
        return _check_kecamatan(text)
    if part.name == "join_kk":
        return identifiers.parse_kk_number(text).kk_number
    if part.name in ("niks",):
        return "\n".join(cleaners.clean_nik_list(_lines(text)))
    if part.widget == "nik":
        if field_type == "arrival":  # a newcomer: not in the registry yet
            return identifiers.parse_nik(text).nik
        return cleaners._living_resident_nik(text, label=label)
    if name in ("rt", "rw") or part.name in ("destination_rt", "destination_rw"):
        return identifiers.validate_rt_rw(text, label=name.removeprefix("destination_").upper())
    if name == "postal_code" or part.name == "destination_postal_code":
        return identifiers.validate_postal_code(text)
    if field_type == "data_change" and part.name == "value":
        return str(cleaners.CHANGEABLE_FIELDS[answers.get("field", "")](text))
    if name in ("name", "father_name", "mother_name"):
        certificate = (field_type, part.name) in CERTIFICATE_NAMES
        return cleaners._name(text, certificate=certificate)
    value = " ".join(text.split())
    if not value:
        raise ValidationError(_("%(label)s wajib diisi.") % {"label": label})
    return value


def match_choice(text: str, choices: list[tuple[str, str]]) -> str | None:
    """A choice typed as its value, its label or its number in the list."""
    wanted = " ".join(text.split()).casefold()
    for i, (value, label) in enumerate(choices, 1):
        if wanted in (value.casefold(), label.casefold(), str(i)):
            return value
    return None


# ---------------------------------------------------------------------------------------------
# The conversation steps


def _state(turn: Turn) -> dict[str, Any]:
    return turn.conv.data


def pending_fields(app: Application) -> list[dict]:
    """The fields still to answer: on a draft those not filled yet (on WhatsApp or on the web);
    on a case sent back for revision those the verifier flagged and not given again since."""
    from dukcapil.applications.models import RequirementVerdict, Status

    if app.status == Status.NEEDS_REVISION:
        flagged = set(app.verdicts.filter(verdict=RequirementVerdict.Verdict.NEEDS_REVISION)
                      .values_list("requirement_code", flat=True))  # fmt: skip
        revised = set(app.form_data.get("_revised", []))
        return [r for r in field_requirements(app) if r["code"] in flagged - revised]
    return [r for r in field_requirements(app) if r["code"] not in app.form_data]


def _asking_state(app: Application) -> str:
    from dukcapil.applications.models import Status

    return S.REVISION if app.status == Status.NEEDS_REVISION else S.REQUIREMENTS


def ask_next_field(turn: Turn, app: Application) -> bool:
    """Ask the next question of the first pending field (:func:`pending_fields`); False when
    there is none left."""
    state = _asking_state(app)
    for requirement in pending_fields(app):
        answers = dict(_state(turn).get("answers") or {})
        if _state(turn).get("field") != requirement["code"]:
            answers = {}
        part = next_part(requirement, answers)
        if part is None:  # every question answered: store (the cleaner judges the whole)
            if store_field(turn, app, requirement, answers):
                app.refresh_from_db()
                continue
            return True
        turn.go(state, field=requirement["code"], part=part.name, answers=answers, kec="", page=0)
        ask(turn, app, requirement, part, answers)
        return True
    turn.go(state, field="", part="", answers={}, kec="", page=0)
    return False


def _progress(requirement: dict, part: Part, answers: dict[str, str]) -> str:
    parts = relevant_parts(requirement, answers)
    position = next((i for i, p in enumerate(parts, 1) if p.name == part.name), 1)
    return f"*{requirement_label(requirement)}* ({position}/{len(parts)})"


def ask(turn: Turn, app: Application, requirement: dict, part: Part, answers: dict,
        *, page: int = 0, prefix: str = "") -> None:  # fmt: skip
    head = (prefix + "\n\n" if prefix else "") + _progress(requirement, part, answers)
    question = f"{head}\n{part.label}"
    choices = choices_of(requirement, part, answers)
    if choices:
        if len(choices) <= messages.BUTTONS_MAX:
            turn.buttons(question, [Row(f"{CHOICE}{v}", label) for v, label in choices])
            return
        rows = [Row(f"{CHOICE}{v}", label, label if len(label) > messages.ROW_TITLE_MAX else "")
                for v, label in choices]  # the whole label under a shortened title  # fmt: skip
        _list(turn, question + "\n" + _("Pilih dari daftar."), rows, page=page)
        return
    if part.widget == "date":
        question += "\n" + _("Tulis tanggalnya seperti 17-08-2024 (tanggal-bulan-tahun).")
    elif part.name in ("niks",):
        question += "\n" + _("Tulis NIK-nya (16 angka); bila lebih dari satu, pisahkan dengan "
                             "koma atau baris baru.")  # fmt: skip
    elif part.widget == "desa":
        return ask_desa(turn, app, question, page=page)
    elif part.hint:
        question += "\n" + str(part.hint)
    if part.optional:
        question += "\n" + _("Boleh dilewati: ketik *lewati*.")
        turn.buttons(question, [Row("go:skip", _("Lewati")), Row("go:cancel", _("Batal"))])
    else:
        turn.text(question)


def _list(turn: Turn, body: str, rows: list[Row], *, page: int) -> None:
    shown = messages.list_pages(rows, page=page, more=Row(PAGE, _("Berikutnya »")),
                                back=Row(PAGE, _("« Sebelumnya")))  # fmt: skip
    turn.replies.append(messages.list_message(turn.to, body, shown, button=_("Pilih")))


def ask_desa(turn: Turn, app: Application, question: str, *, page: int = 0) -> None:
    """A desa: its code typed, or chosen from the kecamatan of the office, then its desa."""
    from dukcapil.regions.models import Desa, Kecamatan

    kecamatan = _state(turn).get("kec", "")
    hint = _("Ketik kode desa (mis. 36.73.01.1001), atau pilih dari daftar.")
    if kecamatan:
        rows = [Row(f"{CHOICE}{code}", name) for code, name in
                Desa.objects.filter(kecamatan_id=kecamatan).order_by("name")
                .values_list("code", "name")]  # fmt: skip
    else:
        rows = [Row(f"{KECAMATAN}{code}", _("Kec. %(name)s") % {"name": name}) for code, name in
                Kecamatan.objects.filter(regency_id=app.office_id).order_by("name")
                .values_list("code", "name")]  # fmt: skip
    if not rows:
        turn.text(f"{question}\n{hint}")
        return
    _list(turn, f"{question}\n{hint}", rows, page=page)


def _then(turn: Turn, app: Application) -> None:
    """After the last field: the uploads of a draft, or the flagged papers of a revision."""
    from dukcapil.applications.models import Status
    from dukcapil.whatsapp import applying

    if app.status == Status.NEEDS_REVISION:
        return applying.continue_revision(turn, app)
    applying.ask_next_upload(turn)


def on_answer(turn: Turn) -> None:
    """An answer to the question asked (``data["field"]``/``data["part"]``)."""
    from dukcapil.applications.models import Status
    from dukcapil.whatsapp.applying import _application
    from dukcapil.whatsapp.turn import menu

    app = _application(turn)
    data = _state(turn)
    if app is None or app.status not in (Status.DRAFT, Status.NEEDS_REVISION):
        turn.reset()
        return menu(turn)
    requirement = app.service_version.requirement(data.get("field", ""))
    answers = dict(data.get("answers") or {})
    part = next((p for p in relevant_parts(requirement, answers) if p.name == data.get("part")),
                None) if requirement else None  # fmt: skip
    if requirement is None or part is None or requirement not in pending_fields(app):
        if not ask_next_field(turn, app):
            _then(turn, app)
        return
    reply = turn.reply_id
    if reply.startswith(PAGE):
        page = int(reply.removeprefix(PAGE) or 0)
        turn.go(_asking_state(app), page=page)
        return ask(turn, app, requirement, part, answers, page=page)
    if reply.startswith(KECAMATAN):
        turn.go(_asking_state(app), kec=reply.removeprefix(KECAMATAN), page=0)
        return ask(turn, app, requirement, part, answers)
    field_type = _field_type(requirement)
    choices = choices_of(requirement, part, answers)
    if part.optional and (reply == "go:skip" or turn.word in SKIP_WORDS):
        value = ""
    elif choices:
        given = reply.removeprefix(CHOICE) if reply.startswith(CHOICE) else turn.text_in
        value = match_choice(given, choices) or ""
        if not value:
            return ask(turn, app, requirement, part, answers, prefix=_(
                "%(label)s: pilihan \"%(answer)s\" tidak dikenal. Pilih salah satu dari "
                "daftar.") % {"label": part.label, "answer": given or "-"})  # fmt: skip
        if field_type == "data_change" and part.name == "value":
            value = str(cleaners.CHANGEABLE_FIELDS[answers.get("field", "")](value))
    else:
        given = reply.removeprefix(CHOICE) if reply.startswith(CHOICE) else turn.text_in
        if not given:
            return ask(turn, app, requirement, part, answers,
                       prefix=_("Jawab dengan pesan teks, atau ketik *batal*."))  # fmt: skip
        try:
            value = check_answer(field_type, part, given, answers)
        except ValidationError as exc:
            return ask(turn, app, requirement, part, answers,
                       prefix=error_text(exc) + "\n" + _("Mohon jawab lagi."))  # fmt: skip
    answers[part.name] = value
    turn.go(_asking_state(app), answers=answers, kec="", page=0)
    if not ask_next_field(turn, app):
        _then(turn, app)


def _value(requirement: dict, answers: dict[str, str]) -> Any:
    parts = {p.name: answers.get(p.name, "") for p in portal_fields.parts_of(requirement)}
    return portal_fields.value_from_parts(_field_type(requirement), parts)


def store_field(turn: Turn, app: Application, requirement: dict, answers: dict) -> bool:
    """Store the field on the draft (the catalogue's cleaner judges it); when it is refused, say
    why and ask the field again from its first question."""
    value = _value(requirement, answers)
    try:
        applications.fill_application(application=app, actor=turn.actor,
                                      form_data={requirement["code"]: value})  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        first = relevant_parts(requirement, {})[0]
        turn.go(_asking_state(app), field=requirement["code"], part=first.name, answers={},
                kec="", page=0)  # fmt: skip
        ask(turn, app, requirement, first, {}, prefix=error_text(exc) + "\n" + _(
            "Mohon isi lagi bagian ini dari awal."))  # fmt: skip
        return False
    turn.text(_("Tersimpan: %(label)s.") % {"label": requirement_label(requirement)})
    return True


def summary(app: Application) -> str:
    """The form data of the draft as the citizen gave it, one line per answer, to check before
    submitting (choices by their label)."""
    lines = []
    for requirement in field_requirements(app):
        value = app.form_data.get(requirement["code"])
        if not value:
            continue
        flat = portal_fields.parts_from_value(_field_type(requirement), value)
        lines.append(f"*{requirement_label(requirement)}*")
        for part in relevant_parts(requirement, flat):
            given = str(flat.get(part.name, "") or "")
            if not given:
                continue
            labels = dict(choices_of(requirement, part, flat))
            if part.widget == "date" and parse_date(given):
                given = parse_date(given).strftime("%d-%m-%Y")
            lines.append(f"{part.label}: {labels.get(given, given)}".replace("\n", ", "))
    return "\n".join(lines)
