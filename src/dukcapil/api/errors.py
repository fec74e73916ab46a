"""One shape for every error: ``{"detail": "...", "errors": {"field": ["message", ...]}}``.

Messages come from gettext, so they are Indonesian by default and English with
``Accept-Language: en`` (LocaleMiddleware activates the language before the view runs).

| raised | status |
|---|---|
| ``workflow.TransitionError`` (a ``ValidationError``: looked up first, by class) | 409 |
| ``IdempotencyConflict`` (a ``ValidationError``) | 422 |
| ``django.core.exceptions.ValidationError`` | 400 |
| request does not match the schema (django-ninja) | 422 |
| ``PermissionDenied`` | 403 |
| ``Http404`` | 404 |
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from dukcapil.api.idempotency import IdempotencyConflict
from dukcapil.applications.workflow import TransitionError


def error_body(detail: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"detail": str(detail), "errors": errors or {}}


def error_response(status: int, detail: str, errors: dict | None = None) -> JsonResponse:
    """For the few places outside an operation (the body-size guard, the rate limit)."""
    return JsonResponse(error_body(detail, errors), status=status)


def _messages_of(exc: ValidationError) -> tuple[str, dict[str, list[str]]]:
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
        first = next((m for msgs in errors.values() for m in msgs), "")
        if len(errors) == 1 and NON_FIELD_ERRORS in errors:
            return first, errors
        return first or _("Data tidak valid."), errors
    messages = [str(m) for m in exc.messages]
    return " ".join(messages) or _("Data tidak valid."), {NON_FIELD_ERRORS: messages}


def _schema_message(error: dict[str, Any]) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("Wajib diisi.")
    if kind in ("string_type", "string_unicode"):
        return _("Harus berupa teks.")
    if kind in ("bool_type", "bool_parsing"):
        return _("Harus true atau false.")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("Harus berupa bilangan bulat.")
    if kind.startswith("date"):
        return _("Harus berupa tanggal dengan format TTTT-BB-HH.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("Harus berupa objek.")
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("Harus berupa daftar.")
    if kind in ("literal_error", "enum"):
        return _("Pilihan tidak dikenal; yang ada: %(expected)s.") % {
            "expected": ctx.get("expected", "")
        }
    if kind == "extra_forbidden":
        return _("Isian ini tidak dikenal.")
    if kind == "string_too_long":
        return _("Paling panjang %(max)s karakter.") % {"max": ctx.get("max_length", "")}
    if kind == "string_too_short":
        return _("Paling sedikit %(min)s karakter.") % {"min": ctx.get("min_length", "")}
    if kind in ("too_long", "too_short"):
        return _("Jumlah isian tidak sesuai.")
    if kind == "json_invalid":
        return _("Bukan JSON yang sah.")
    if kind == "string_nul":
        return _("Teks tidak boleh berisi karakter NUL.")
    return str(error.get("msg", _("Tidak valid.")))


def _schema_field(loc: tuple | list) -> str:
    source, *parts = [str(p) for p in loc] or ["body"]
    if source == "body" and parts and parts[0] == "payload":
        parts = parts[1:]  # every body parameter is named "payload"
    return ".".join(parts) or source


def _on_schema_error(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = tuple(error.get("loc", ()))
        if error.get("type") == "string_nul":  # found by a model's check: the field is in ctx
            loc = (*loc, *filter(None, str((error.get("ctx") or {}).get("at", "")).split(".")))
        errors.setdefault(_schema_field(loc), []).append(_schema_message(error))
    return JsonResponse(
        error_body(_("Permintaan tidak sesuai skema: periksa isian yang disebut."), errors),
        status=422,
    )


def _on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail, errors = _messages_of(exc)
    return JsonResponse(error_body(detail, errors), status=400)


def _on_idempotency_conflict(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail, errors = _messages_of(exc)
    return JsonResponse(error_body(detail, errors), status=422)


def _on_transition_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail, errors = _messages_of(exc)
    return JsonResponse(error_body(detail, errors), status=409)


def _on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    detail = str(exc) or _("Anda tidak berwenang melakukan ini.")
    return JsonResponse(error_body(detail), status=403)


def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Only messages raised on purpose are shown (Django's own say which model was looked up).
    detail = exc.args[0] if exc.args and isinstance(exc.args[0], str) else ""
    return JsonResponse(error_body(detail or _("Tidak ditemukan.")), status=404)


def _on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = JsonResponse(
        error_body(
            _("Perlu kunci API yang berlaku atau sesi petugas dengan verifikasi dua langkah.")
        ),
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="dukcapil"'
    return response


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = str(exc)
    if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
        detail = _("Isi permintaan bukan JSON yang sah.")
    return JsonResponse(error_body(detail), status=exc.status_code)


def install(api: NinjaAPI) -> None:
    api.add_exception_handler(SchemaError, _on_schema_error)
    api.add_exception_handler(ValidationError, _on_validation_error)
    api.add_exception_handler(IdempotencyConflict, _on_idempotency_conflict)
    api.add_exception_handler(TransitionError, _on_transition_error)
    api.add_exception_handler(PermissionDenied, _on_permission_denied)
    api.add_exception_handler(Http404, _on_not_found)
    api.add_exception_handler(AuthenticationError, _on_authentication_error)
    api.add_exception_handler(HttpError, _on_http_error)
