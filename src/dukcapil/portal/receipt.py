"""The receipt (tanda terima) of an application: a QR code of its status link as inline SVG for the
page, and a PDF (A5, A4 or 80 mm thermal roll) for download or the kecamatan's printer."""

from __future__ import annotations

import io

import segno
from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from dukcapil.applications.models import Application
from dukcapil.registry.identifiers import mask_nik

SIZES = {"a5": A5, "a4": A4, "thermal": (80 * mm, 200 * mm)}


def qr_svg(url: str) -> str:
    """An inline ``<svg>`` of the QR code (no XML declaration, scales with CSS)."""
    qr = segno.make(url, error="m")
    return qr.svg_inline(scale=4, border=2, dark="#000", light="#fff", omitsize=True)


def lines(app: Application) -> list[tuple[str, str]]:
    """The receipt's content as (label, value) pairs, the same on the page and the PDF."""
    applicant = app.applicant
    submitted = timezone.localtime(app.submitted_at) if app.submitted_at else None
    submitted_text = formats.date_format(submitted, "j F Y, H:i") + " WIB" if submitted else "-"
    due_text = formats.date_format(app.due_date, "j F Y") if app.due_date else "-"
    rows = [
        (_("Layanan"), app.service_version.name),
        (_("Pemohon"), applicant.name if applicant else "-"),
        (_("NIK"), mask_nik(applicant.nik) if applicant else "-"),
        (_("Diajukan"), submitted_text),
        (_("Perkiraan selesai"), due_text),
        (_("Cara menerima"), app.get_delivery_method_display()),
        (_("Kantor"), _("Disdukcapil %(office)s, Kecamatan %(kecamatan)s")
         % {"office": app.office.name, "kecamatan": app.kecamatan.name}),
    ]  # fmt: skip
    if app.channel == "operator" and app.operator is not None:
        rows.append((_("Dilayani oleh"), app.operator.get_full_name() or app.operator.username))
    return rows


def receipt_pdf(app: Application, *, status_url: str, size: str = "a5") -> bytes:
    """The receipt as a one-page PDF: tracking number, details, QR code of ``status_url``."""
    width, height = SIZES.get(size, A5)
    thermal = size == "thermal"
    margin = 5 * mm if thermal else 15 * mm
    body = 8 if thermal else 10
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(width, height))
    pdf.setTitle(_("Tanda terima %(number)s") % {"number": app.tracking_display})
    pdf.setAuthor("Dukcapil Daring")
    y = height - margin - 12
    pdf.setFont("Helvetica-Bold", 11 if thermal else 14)
    pdf.drawString(margin, y, _("Tanda terima permohonan"))
    y -= 14
    pdf.setFont("Helvetica", body)
    pdf.drawString(margin, y, "Dukcapil Daring")
    y -= 22
    pdf.setFont("Helvetica", body)
    pdf.drawString(margin, y, _("Nomor registrasi"))
    y -= 20
    pdf.setFont("Courier-Bold", 16 if thermal else 22)
    pdf.drawString(margin, y, app.tracking_display)
    y -= 18
    for label, value in lines(app):
        pdf.setFont("Helvetica-Bold", body)
        pdf.drawString(margin, y, label)
        y -= body + 2
        pdf.setFont("Helvetica", body)
        for part in _wrap(str(value), pdf, width - 2 * margin, body):
            pdf.drawString(margin, y, part)
            y -= body + 2
        y -= 3
    # The QR code under the details, centred, with a quiet zone of four modules around it; drawn
    # module by module, so the PDF needs no image.
    qr = segno.make(status_url, error="m")
    rows = list(qr.matrix)
    module = (45 if thermal else 40) * mm / len(rows)
    size_pt = len(rows) * module
    left = (width - size_pt) / 2
    top = y - 4 * module
    for row_index, row in enumerate(rows):
        for col_index, dark in enumerate(row):
            if dark:
                pdf.rect(left + col_index * module, top - (row_index + 1) * module, module,
                         module, stroke=0, fill=1)  # fmt: skip
    y = top - size_pt - 4 * module - 6
    pdf.setFont("Helvetica", body - 1)
    for part in _wrap(_("Pindai kode QR atau buka %(url)s untuk melihat status, dengan tanggal "
                        "lahir pemohon.") % {"url": status_url}, pdf, width - 2 * margin,
                      body - 1):  # fmt: skip
        pdf.drawString(margin, y, part)
        y -= body + 1
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _wrap(text: str, pdf: canvas.Canvas, width: float, size: int) -> list[str]:
    words, result, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if pdf.stringWidth(candidate, "Helvetica", size) <= width or not line:
            line = candidate
        else:
            result.append(line)
            line = word
    return [*result, line] if line else result


def page_context(app: Application, *, status_url: str) -> dict:
    """What a receipt page shows (the citizen's and the operator's)."""
    return {"app": app, "lines": lines(app), "qr": qr_svg(status_url), "status_url": status_url}


def pdf_response(
    app: Application, *, status_url: str, size: str, disposition: str = "attachment"
) -> HttpResponse:
    """The receipt as a PDF download (an unknown ``size`` is A5), never cached."""
    if size not in SIZES:
        size = "a5"
    response = HttpResponse(
        receipt_pdf(app, status_url=status_url, size=size), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'{disposition}; filename="tanda-terima-{app.tracking_number}-{size}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
