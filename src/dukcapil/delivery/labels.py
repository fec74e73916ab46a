"""PDFs: the A6 parcel label (Code 128 of the resi, QR of the tracking number) and the daily
hand-over manifest (PDF and CSV) that the courier signs."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from dukcapil.delivery.addresses import office_address
from dukcapil.delivery.models import Direction, FeePayer, Shipment


def _rupiah(amount: int) -> str:
    return "Rp " + f"{amount:,}".replace(",", ".")


def _fee_line(shipment: Shipment) -> str:
    if shipment.fee_amount and shipment.fee_payer == FeePayer.RECIPIENT:
        return _("Bayar di tempat: %(amount)s") % {"amount": _rupiah(shipment.fee_amount)}
    if shipment.fee_amount:
        return _("Ongkos kirim %(amount)s dibayar kantor") % {
            "amount": _rupiah(shipment.fee_amount)
        }
    return _("Tanpa biaya untuk penerima")


def _qr(c: canvas.Canvas, value: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(value)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, c, x, y)


def render_label(shipment: Shipment) -> bytes:
    """One A6 page: resi as Code 128 (quiet zones kept), tracking number as QR, sender and
    recipient. Refused for a parcel without a resi yet."""
    if not shipment.receipt_number:
        raise ValidationError(_("Catat nomor resi kiriman ini dahulu."), code="no_resi")
    app = shipment.application
    office = office_address(app.office)
    person = [shipment.contact_name, shipment.contact_phone, *shipment.address_lines()]
    office_lines = [office["name"], office["street"], f"{app.office.name} {office['postal_code']}"]
    sender, recipient = (
        (office_lines, person)
        if shipment.direction == Direction.DELIVERY
        else (person, office_lines)
    )
    buffer = io.BytesIO()
    width, height = A6
    c = canvas.Canvas(buffer, pagesize=A6)
    c.setTitle(f"Label {shipment.receipt_number}")
    margin = 6 * mm
    c.setFont("Helvetica-Bold", 11)
    c.drawString(margin, height - 10 * mm, "Pos Indonesia · Dukcapil Daring")
    c.setFont("Helvetica", 8)
    c.drawString(margin, height - 14 * mm, shipment.get_direction_display())

    barcode = code128.Code128(
        shipment.receipt_number, barHeight=16 * mm, barWidth=0.33 * mm, quiet=True, lquiet=6 * mm,
        rquiet=6 * mm,
    )  # fmt: skip
    bx = max((width - barcode.width) / 2, 0)
    barcode.drawOn(c, bx, height - 36 * mm)
    c.setFont("Helvetica-Bold", 12)
    c.drawCentredString(width / 2, height - 41 * mm, shipment.receipt_number)

    y = height - 50 * mm
    for title, lines in ((_("Penerima"), recipient), (_("Pengirim"), sender)):
        c.setFont("Helvetica-Bold", 8)
        c.drawString(margin, y, title.upper())
        y -= 4.5 * mm
        c.setFont("Helvetica-Bold" if title == _("Penerima") else "Helvetica", 9)
        for line in lines:
            c.drawString(margin, y, str(line)[:60])
            y -= 4.2 * mm
            c.setFont("Helvetica", 9)
        y -= 2 * mm

    qr_size = 24 * mm
    _qr(c, app.tracking_number, width - margin - qr_size, margin + 6 * mm, qr_size)
    c.setFont("Helvetica", 7)
    c.drawString(margin, margin + 14 * mm, _("No. registrasi: %(number)s") % {
        "number": app.tracking_display})  # fmt: skip
    c.drawString(margin, margin + 10 * mm, _fee_line(shipment))
    c.drawString(margin, margin + 6 * mm, _("Berat maks. 200 g · Dokumen kependudukan"))
    c.showPage()
    c.save()
    return buffer.getvalue()


MANIFEST_COLUMNS = ("no", "resi", "registrasi", "arah", "penerima", "desa", "kecamatan",
                    "kode_pos", "bayar_di_tempat")  # fmt: skip


def manifest_rows(shipments: list[Shipment]) -> list[list[str]]:
    rows = []
    for i, s in enumerate(shipments, 1):
        cod = s.fee_amount if s.fee_payer == FeePayer.RECIPIENT else 0
        rows.append([
            str(i), s.receipt_number or "", s.application.tracking_display,
            s.get_direction_display(), s.contact_name, s.desa.name, s.desa.kecamatan.name,
            s.postal_code, str(cod),
        ])  # fmt: skip
    return rows


def render_manifest_csv(shipments: list[Shipment]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(MANIFEST_COLUMNS)
    writer.writerows(manifest_rows(shipments))
    return out.getvalue()


def render_manifest_pdf(shipments: list[Shipment], *, day: dt.date, office_name: str) -> bytes:
    """A4 hand-over list: one line per parcel, total, and the two signatures."""
    buffer = io.BytesIO()
    width, height = A4
    c = canvas.Canvas(buffer, pagesize=A4)
    c.setTitle(f"Manifest {day.isoformat()}")
    margin = 15 * mm
    widths = [8, 36, 24, 26, 40, 27, 0]  # mm; last column: COD (right-aligned)

    def header() -> float:
        c.setFont("Helvetica-Bold", 13)
        c.drawString(margin, height - 20 * mm, _("Daftar serah terima kiriman"))
        c.setFont("Helvetica", 9)
        c.drawString(margin, height - 26 * mm, _("%(office)s · tanggal %(day)s · Pos Indonesia")
                     % {"office": office_name, "day": day.strftime("%d-%m-%Y")})  # fmt: skip
        y = height - 34 * mm
        c.setFont("Helvetica-Bold", 8)
        titles = ["No", _("Resi"), _("No. registrasi"), _("Arah"), _("Penerima"), _("Desa"),
                  _("COD")]  # fmt: skip
        x = margin
        for title, w in zip(titles, widths, strict=True):
            c.drawString(x, y, title)
            x += w * mm
        return y - 5 * mm

    y = header()
    c.setFont("Helvetica", 8)
    total = 0
    for row in manifest_rows(shipments):
        if y < 50 * mm:
            c.showPage()
            y = header()
            c.setFont("Helvetica", 8)
        cells = [row[0], row[1], row[2], row[3][:16], row[4][:26], row[5][:18], row[8]]
        total += int(row[8])
        x = margin
        for cell, w in zip(cells, widths, strict=True):
            c.drawString(x, y, cell)
            x += w * mm
        y -= 5 * mm
    c.setFont("Helvetica-Bold", 9)
    c.drawString(margin, y - 3 * mm, _("Jumlah kiriman: %(count)s · bayar di tempat: %(total)s")
                 % {"count": len(shipments), "total": _rupiah(total)})  # fmt: skip
    y = min(y - 20 * mm, 45 * mm)
    c.setFont("Helvetica", 9)
    for x, who in (
        (margin, _("Petugas pengiriman")),
        (width / 2 + 5 * mm, _("Kurir Pos Indonesia")),
    ):
        c.drawString(x, y, who)
        c.line(x, y - 20 * mm, x + 60 * mm, y - 20 * mm)
        c.drawString(x, y - 25 * mm, _("Nama, tanda tangan, jam"))
    c.setFont("Helvetica", 7)
    c.drawString(margin, 10 * mm, _("Dicetak %(at)s") % {
        "at": timezone.localtime().strftime("%d-%m-%Y %H:%M")})  # fmt: skip
    c.showPage()
    c.save()
    return buffer.getvalue()
