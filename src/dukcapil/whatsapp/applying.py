"""Applying from WhatsApp: service, requirements, uploads, declaration, delivery, confirmation;
and following up: status, the issued PDF, revision answers, cancelling. Each function takes the
:class:`~dukcapil.whatsapp.turn.Turn` and leaves the conversation in its next state."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from dukcapil.applications import services as applications
from dukcapil.applications import workflow
from dukcapil.applications.models import Application, Channel, DeliveryMethod, Status
from dukcapil.catalog.models import RequirementKind, requirement_label
from dukcapil.catalog.selectors import current_version
from dukcapil.whatsapp import formfields, messages
from dukcapil.whatsapp.messages import Row
from dukcapil.whatsapp.turn import S, Turn, error_text, menu, require_identity


def choose_service(turn: Turn, code: str) -> None:
    version = current_version(code)
    if version is None:
        turn.text(_("Layanan itu tidak tersedia."))
        return menu(turn)
    if not turn.verified:
        return require_identity(turn, f"service:{code}")
    resident = turn.conv.resident
    # One case across channels: a draft of this service, started here or on the web, goes on.
    app = (
        Application.objects.filter(
            applicant=resident, status=Status.DRAFT, service_version__service__code=code
        )  # fmt: skip
        .order_by("-created_at")
        .first()
    )
    if app is None:
        relation = "self" if "self" in version.applicants else "family_member"
        try:
            app = applications.start_application(
                service_code=code, applicant=resident, channel=Channel.WHATSAPP,
                actor=turn.actor, applicant_relation=relation, phone=turn.conv.wa_id,
                language=turn.conv.language,
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            turn.text(error_text(exc))
            return menu(turn)
    turn.conv.application = app
    turn.go(S.REQUIREMENTS)
    lines = []
    for i, r in enumerate(version.requirements, 1):
        kind = {RequirementKind.UPLOAD: _("foto/PDF"), RequirementKind.FIELD: _("isian"),
                RequirementKind.DECLARATION: _("pernyataan")}.get(r["kind"], "")  # fmt: skip
        optional = _(" (boleh dilewati)") if r.get("optional") else ""
        lines.append(f"{i}. {requirement_label(r)} [{kind}]{optional}")
    body = _("*%(service)s*\nNomor draf: %(number)s\n\nPersyaratan:\n%(list)s") % {
        "service": version.name, "number": app.tracking_display, "list": "\n".join(lines),
    }  # fmt: skip
    if version.requirements_of_kind(RequirementKind.FIELD):
        body += "\n\n" + _("Isian data saya tanyakan satu per satu di sini; berkasnya Anda kirim "
                           "sesudahnya. Draf ini juga bisa dilanjutkan di portal %(url)s.") % {
            "url": settings.WHATSAPP_PORTAL_URL}  # fmt: skip
    turn.buttons(body, [Row("go:continue", _("Lanjut")), Row("go:cancel", _("Batal"))])


def on_requirements(turn: Turn) -> None:
    if turn.conv.data.get("field"):  # a form field's question is waiting for its answer
        return formfields.on_answer(turn)
    if turn.reply_id == "go:continue" or turn.word in {"lanjut", "ya", "continue", "yes"}:
        return ask_fields_then_uploads(turn)
    turn.buttons(_("Tekan *Lanjut* untuk mengirim persyaratan, atau *Batal*."),
                 [Row("go:continue", _("Lanjut")), Row("go:cancel", _("Batal"))])  # fmt: skip


def _application(turn: Turn) -> Application | None:
    app = turn.conv.application
    if app is None:
        return None
    app.refresh_from_db()
    return app


def _given(app: Application) -> set[str]:
    return set(app.attachments.filter(superseded=False).values_list("requirement_code", flat=True))


def ask_fields_then_uploads(turn: Turn) -> None:
    """The form fields the draft still lacks, one question at a time, then the uploads."""
    app = _application(turn)
    if app is None or app.status != Status.DRAFT:
        turn.reset()
        return menu(turn)
    if not formfields.ask_next_field(turn, app):
        ask_next_upload(turn)


def ask_next_upload(turn: Turn) -> None:
    app = _application(turn)
    if app is None or app.status != Status.DRAFT:
        turn.reset()
        return menu(turn)
    given, skipped = _given(app), set(turn.conv.data.get("skipped", []))
    for r in app.service_version.requirements_of_kind(RequirementKind.UPLOAD):
        if r["code"] in given or r["code"] in skipped:
            continue
        turn.go(S.UPLOAD, upload=r["code"])
        prompt = _("Kirim foto atau PDF: *%(label)s*") % {"label": requirement_label(r)}
        if r.get("optional"):
            turn.buttons(prompt, [Row("go:skip", _("Lewati")), Row("go:cancel", _("Batal"))])
        else:
            turn.text(prompt)
        return
    ask_declaration(turn, app)


def on_upload(turn: Turn) -> None:
    code = turn.conv.data.get("upload", "")
    if turn.reply_id == "go:skip" or turn.word in {"lewati", "skip"}:
        app = _application(turn)
        requirement = app.service_version.requirement(code) if app else None
        if requirement and requirement.get("optional"):
            turn.go(S.UPLOAD, skipped=[*turn.conv.data.get("skipped", []), code])
        return ask_next_upload(turn)
    if turn.media is None:
        turn.text(_("Kirim berkasnya sebagai foto atau dokumen PDF, atau ketik *batal*."))
        return
    app = _application(turn)
    if app is None:
        turn.reset()
        return menu(turn)
    if store_media(turn, app, code):
        requirement = app.service_version.requirement(code) or {"code": code}
        turn.text(_("Diterima: %(label)s.") % {"label": requirement_label(requirement)})
        ask_next_upload(turn)


def store_media(turn: Turn, app: Application, code: str) -> bool:
    """Download the media by id from the Graph API and add it as the requirement's file, with the
    portal's upload checks. False (and the reason told) when it cannot be used."""
    from dukcapil.whatsapp.client import CloudApiClient, GraphError

    media = turn.media or {}
    try:
        downloaded = CloudApiClient().download_media(str(media.get("id", "")))
    except GraphError:
        turn.text(_("Berkas tidak dapat diambil dari WhatsApp. Mohon kirim ulang."))
        return False
    name = media.get("filename") or f"{code}-whatsapp"
    try:
        applications.add_attachment(application=app, actor=turn.actor, requirement_code=code,
                                    content=downloaded.content, original_name=name)  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        turn.text(error_text(exc) + "\n" + _("Mohon kirim ulang."))
        return False
    return True


def ask_declaration(turn: Turn, app: Application) -> None:
    declarations = app.service_version.requirements_of_kind(RequirementKind.DECLARATION)
    lines = "\n".join(f"• {requirement_label(r)}" for r in declarations)
    turn.go(S.CONFIRM, step="declaration")
    turn.buttons(
        _("%(declarations)s\n\nData Anda dipakai hanya untuk layanan ini, sesuai UU 27/2022 "
          "tentang Pelindungan Data Pribadi. Apakah Anda setuju?") % {"declarations": lines},
        [Row("go:agree", _("Saya setuju")), Row("go:cancel", _("Batal"))],
    )  # fmt: skip


def on_confirm(turn: Turn) -> None:
    step = turn.conv.data.get("step")
    app = _application(turn)
    if app is None or app.status != Status.DRAFT:
        turn.reset()
        return menu(turn)
    if step == "declaration":
        if turn.reply_id != "go:agree" and turn.word not in {"setuju", "ya", "agree", "yes"}:
            return ask_declaration(turn, app)
        codes = [
            r["code"] for r in app.service_version.requirements_of_kind(RequirementKind.DECLARATION)
        ]  # noqa: E501
        applications.fill_application(application=app, actor=turn.actor, declarations=codes,
                                      privacy_acknowledged=True)  # fmt: skip
        return ask_delivery(turn)
    if step == "delivery":
        return on_delivery(turn, app)
    if turn.reply_id == "go:submit" or turn.word in {"ajukan", "kirim", "submit"}:
        return submit(turn, app)
    ask_submit(turn, app)


def ask_delivery(turn: Turn) -> None:
    turn.go(S.CONFIRM, step="delivery")
    turn.buttons(_("Bagaimana Anda ingin menerima dokumennya?"), [
        Row("delivery:pickup", _("Ambil di kantor")), Row("delivery:post", _("Kirim via Pos")),
        Row("go:cancel", _("Batal"))])  # fmt: skip


def on_delivery(turn: Turn, app: Application) -> None:
    choice = turn.reply_id.removeprefix("delivery:")
    if choice not in (DeliveryMethod.PICKUP, DeliveryMethod.POST):
        return ask_delivery(turn)
    address = None
    if choice == DeliveryMethod.POST:
        family = turn.conv.resident.family
        address = {"desa": family.desa.code, "rt": family.rt, "rw": family.rw,
                   "address": family.address, "postal_code": family.postal_code}  # fmt: skip
    try:
        applications.fill_application(application=app, actor=turn.actor, delivery_method=choice,
                                      delivery_address=address)  # fmt: skip
    except ValidationError as exc:
        turn.text(error_text(exc))
        return ask_delivery(turn)
    turn.go(S.CONFIRM, step="submit")
    ask_submit(turn, app)


def ask_submit(turn: Turn, app: Application) -> None:
    app.refresh_from_db()
    if answers := formfields.summary(app):
        turn.text(answers)
    body = _("Periksa sebelum diajukan:\nLayanan: %(service)s\nPemohon: %(name)s\n"
             "Berkas: %(files)s\nPengambilan: %(delivery)s") % {
        "service": app.service_version.name, "name": app.applicant.name,
        "files": len(_given(app)), "delivery": app.get_delivery_method_display(),
    }  # fmt: skip
    turn.buttons(body, [Row("go:submit", _("Ajukan")), Row("go:cancel", _("Batal"))])


def submit(turn: Turn, app: Application) -> None:
    try:
        app = workflow.submit(application=app, actor=turn.actor)
    except ValidationError as exc:
        turn.text(_("Permohonan belum lengkap: %(errors)s\nLengkapi di portal %(url)s dengan "
                    "nomor draf %(number)s.") % {
            "errors": error_text(exc), "url": settings.WHATSAPP_PORTAL_URL,
            "number": app.tracking_display})  # fmt: skip
        turn.reset()
        return
    turn.reset()
    turn.conv.application = None
    turn.text(_("Permohonan %(service)s sudah diajukan.\nNomor registrasi: *%(number)s*\n"
                "Simpan nomor ini. Ketik nomornya kapan saja untuk melihat statusnya.") % {
        "service": app.service_version.name, "number": app.tracking_display})  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Status, revision, cancel


def _own(turn: Turn, tracking_text: str) -> Application | None:
    from dukcapil.applications.selectors import get_by_tracking_number

    app = get_by_tracking_number(tracking_text)
    if app is None or app.applicant_id != turn.conv.resident_id:
        return None
    return app


def status(turn: Turn, *, tracking_text: str = "") -> None:
    if not turn.verified:
        return require_identity(turn, f"status:{tracking_text}" if tracking_text else "status")
    if tracking_text:
        app = _own(turn, tracking_text)
        if app is None:
            turn.text(_("Nomor registrasi itu tidak ditemukan di antara permohonan Anda."))
            return
        apps = [app]
    else:
        apps = list(
            Application.objects.filter(applicant=turn.conv.resident)
            .select_related("service_version")
            .order_by("-created_at")[:5]
        )
        if not apps:
            turn.text(_("Anda belum punya permohonan. Ketik *menu* untuk mengajukan."))
            return
    lines = []
    for app in apps:
        due = app.due_date.strftime("%d-%m-%Y") if app.due_date else "-"
        lines.append(_("%(number)s · %(service)s: *%(status)s* (perkiraan selesai %(due)s)") % {
            "number": app.tracking_display, "service": app.service_version.name,
            "status": app.get_status_display(), "due": due})  # fmt: skip
    waiting = [a for a in apps if a.status == Status.NEEDS_REVISION]
    if waiting:
        turn.buttons("\n".join(lines) + "\n\n" + _("Ada permohonan yang perlu perbaikan."),
                     [Row(f"rev:{waiting[0].tracking_number}", _("Kirim perbaikan")),
                      Row("menu:help", _("Bantuan"))])  # fmt: skip
    elif issued := [a for a in apps if a.status in ISSUED_STATES]:
        turn.buttons("\n".join(lines), [Row(f"doc:{issued[0].tracking_number}",
                                            _("Kirim dokumen PDF"))])  # fmt: skip
    else:
        turn.text("\n".join(lines))


ISSUED_STATES = (Status.ISSUED, Status.PRINTED, Status.IN_DELIVERY, Status.READY_FOR_PICKUP,
                 Status.COMPLETED)  # fmt: skip


def send_documents(turn: Turn, tracking_text: str) -> None:
    """The signed PDFs of an issued application as document messages (the portal's bytes)."""
    from dukcapil.documents.selectors import document_files
    from dukcapil.whatsapp.client import CloudApiClient, GraphError

    if not turn.verified:
        return require_identity(turn, f"status:{tracking_text}")
    app = _own(turn, tracking_text)
    files = document_files(app) if app is not None and app.status in ISSUED_STATES else []
    if not files:
        turn.text(_("Belum ada dokumen PDF untuk permohonan itu."))
        return
    client = CloudApiClient()
    for file in files:
        try:
            media_id = client.upload_media(file.content, mime_type="application/pdf",
                                           filename=file.filename)  # fmt: skip
        except GraphError:
            turn.text(_("Dokumen belum dapat dikirim. Coba lagi nanti."))
            return
        payload = messages.document(turn.to, media_id=media_id, filename=file.filename,
                                    caption=file.caption)  # fmt: skip
        turn.replies.append(payload)


def revision_waiting(turn: Turn) -> Application | None:
    return (
        Application.objects.filter(applicant=turn.conv.resident, status=Status.NEEDS_REVISION)
        .order_by("-created_at")
        .first()
    )


def _flagged_uploads(app: Application) -> list[dict]:
    from dukcapil.applications.models import RequirementVerdict

    last = app.events.filter(transition="request_revision").order_by("-at").first()
    since = last.at if last else app.created_at
    answered = set(app.attachments.filter(superseded=False, uploaded_at__gt=since)
                   .values_list("requirement_code", flat=True))  # fmt: skip
    flagged = []
    for v in app.verdicts.filter(verdict=RequirementVerdict.Verdict.NEEDS_REVISION):
        r = app.service_version.requirement(v.requirement_code)
        if r and r["kind"] == RequirementKind.UPLOAD and r["code"] not in answered:
            flagged.append(r)
    return flagged


def start_revision(turn: Turn, tracking_text: str, *, upload_now: bool = False) -> None:
    if not turn.verified:
        return require_identity(turn, f"revision:{tracking_text}")
    app = _own(turn, tracking_text)
    if app is None or app.status != Status.NEEDS_REVISION:
        turn.text(_("Tidak ada perbaikan yang ditunggu untuk nomor itu."))
        return
    turn.conv.application = app
    flagged = _flagged_uploads(app)
    if formfields.pending_fields(app) and not (upload_now and turn.media is not None and flagged):
        turn.text(_("Permohonan %(number)s perlu perbaikan isian data.") % {
            "number": app.tracking_display})  # fmt: skip
        formfields.ask_next_field(turn, app)  # the flagged fields first, then the papers
        return
    if not flagged:
        return resubmit(turn, app)
    turn.go(S.REVISION, upload=flagged[0]["code"])
    if upload_now and turn.media is not None:
        return on_revision(turn)
    turn.text(_("Permohonan %(number)s perlu perbaikan. Kirim foto atau PDF baru: *%(label)s*") % {
        "number": app.tracking_display, "label": requirement_label(flagged[0])})  # fmt: skip


def continue_revision(turn: Turn, app: Application) -> None:
    """After the flagged fields: the flagged papers, or the case goes back to the verifier."""
    flagged = _flagged_uploads(app)
    if not flagged:
        return resubmit(turn, app)
    turn.go(S.REVISION, upload=flagged[0]["code"])
    turn.text(_("Kirim foto atau PDF baru: *%(label)s*") % {"label": requirement_label(flagged[0])})


def on_revision(turn: Turn) -> None:
    app = _application(turn)
    if app is None or app.status != Status.NEEDS_REVISION:
        turn.reset()
        return menu(turn)
    if turn.conv.data.get("field"):  # a flagged field's question is waiting for its answer
        return formfields.on_answer(turn)
    if turn.media is None:
        turn.text(_("Kirim berkas perbaikannya sebagai foto atau PDF, atau ketik *batal*."))
        return
    if not store_media(turn, app, turn.conv.data.get("upload", "")):
        return
    flagged = _flagged_uploads(app)
    if flagged:
        turn.go(S.REVISION, upload=flagged[0]["code"])
        turn.text(_("Diterima. Berikutnya: *%(label)s*") % {"label": requirement_label(flagged[0])})
        return
    if formfields.ask_next_field(turn, app):  # flagged fields still to answer
        return
    resubmit(turn, app)


def resubmit(turn: Turn, app: Application) -> None:
    try:
        workflow.resubmit(application=app, actor=turn.actor, note="WhatsApp")
    except ValidationError as exc:
        turn.reset()
        turn.text(_("Perbaikan belum lengkap: %(errors)s\nLengkapi di portal %(url)s.") % {
            "errors": error_text(exc), "url": settings.WHATSAPP_PORTAL_URL})  # fmt: skip
        return
    turn.reset()
    turn.conv.application = None
    turn.text(_("Perbaikan untuk %(number)s sudah kami terima dan diperiksa kembali.") % {
        "number": app.tracking_display})  # fmt: skip


def cancel(turn: Turn, *, tracking_text: str = "") -> None:
    conv = turn.conv
    app = None
    if tracking_text:
        if not turn.verified:
            return require_identity(turn, "status")
        app = _own(turn, tracking_text)
    elif conv.application_id and conv.state not in (S.IDLE, S.REVISION):
        app = _application(turn)
    turn.reset()
    conv.application = None
    if app is not None and app.status in workflow.TRANSITIONS["cancel"].sources:
        try:
            workflow.cancel(application=app, actor=turn.actor, note="WhatsApp")
            turn.text(_("Permohonan %(number)s dibatalkan.") % {"number": app.tracking_display})
        except (ValidationError, PermissionDenied, Http404) as exc:
            turn.text(error_text(exc))
    else:
        turn.text(_("Dibatalkan."))
    menu(turn)
