"""PDF rendering with ReportLab: the same content, number and code give the same bytes.

``invariant`` mode fixes the creation date and file id, the fonts are the standard 14 (not
embedded) and the QR code is drawn as vector squares, so rendering is a pure function of its
inputs: a re-print of unchanged data is byte for byte the document signed before.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

REGULAR, BOLD, ITALIC = "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"


@dataclass(frozen=True)
class Issue:
    """What signing adds to the content: number, date, verification address, signer."""

    number: str
    issued_on: str  # "29 November 2026"
    verification_url: str
    signer_name: str
    draft: bool = False


class Page:
    """A canvas with the few drawing verbs the layouts need (points, origin bottom left)."""

    def __init__(self, *, size: tuple[float, float], title: str, subject: str) -> None:
        self.buffer = io.BytesIO()
        self.width, self.height = size
        self.canvas = Canvas(self.buffer, pagesize=size, invariant=1, pageCompression=1)
        self.canvas.setTitle(title)
        self.canvas.setAuthor("Dinas Kependudukan dan Pencatatan Sipil")
        self.canvas.setSubject(subject)
        self.canvas.setCreator("Dukcapil Daring")

    def text(self, x: float, y: float, s: str, *, size: float = 9, font: str = REGULAR,
             align: str = "left", max_width: float | None = None) -> None:  # fmt: skip
        s = str(s)
        if max_width:
            while size > 4 and stringWidth(s, font, size) > max_width:
                size -= 0.25
        self.canvas.setFont(font, size)
        if align == "center":
            self.canvas.drawCentredString(x, y, s)
        elif align == "right":
            self.canvas.drawRightString(x, y, s)
        else:
            self.canvas.drawString(x, y, s)

    def center(self, y: float, s: str, *, size: float = 10, font: str = BOLD) -> None:
        self.text(self.width / 2, y, s, size=size, font=font, align="center")

    def fields(self, x: float, y: float, rows: list[tuple[str, str]], *, label_width: float,
               size: float = 9, leading: float = 13, value_width: float = 250,
               ) -> float:  # fmt: skip
        """``label : value`` lines; returns the y below the last."""
        for label, value in rows:
            self.text(x, y, label, size=size)
            self.text(x + label_width, y, ":", size=size)
            self.text(x + label_width + 8, y, value, size=size, font=BOLD, max_width=value_width)
            y -= leading
        return y

    def table(self, x: float, y: float, columns: list[tuple[str, float]], rows: list[list[str]],
              *, size: float = 6.5, row_height: float = 12) -> float:  # fmt: skip
        """A ruled table with a header row; returns the y below it."""
        c = self.canvas
        c.setLineWidth(0.5)
        total = sum(w for _, w in columns)
        height = row_height * (len(rows) + 1)
        c.rect(x, y - height, total, height)
        cx = x
        for label, width in columns:
            c.setFillGray(0.9)
            c.rect(cx, y - row_height, width, row_height, fill=1, stroke=1)
            c.setFillGray(0)
            self.text(cx + width / 2, y - row_height + 4, label, size=size, font=BOLD,
                      align="center", max_width=width - 2)  # fmt: skip
            cx += width
        for i, row in enumerate(rows, start=1):
            top = y - row_height * i
            c.line(x, top - row_height, x + total, top - row_height)
            cx = x
            for (_, width), value in zip(columns, row, strict=True):
                c.line(cx, y, cx, y - height)
                self.text(cx + 2, top - row_height + 4, value, size=size, max_width=width - 4)
                cx += width
        c.line(x + total, y, x + total, y - height)
        return y - height

    def qr(self, x: float, y: float, size: float, data: str) -> None:
        """A QR code of ``data`` with its lower left corner at (x, y), drawn as squares."""
        matrix = segno.make(data, error="m", micro=False).matrix
        n = len(matrix) + 8  # the quiet zone of four modules on each side
        module = size / n
        c = self.canvas
        c.setFillGray(1)
        c.rect(x, y, size, size, fill=1, stroke=0)
        c.setFillGray(0)
        path = c.beginPath()
        for r, line in enumerate(matrix):
            # One rectangle per run of dark modules: a third of the drawing operations.
            start = None
            for col, dark in enumerate([*line, 0]):
                if dark and start is None:
                    start = col
                elif not dark and start is not None:
                    path.rect(x + (start + 4) * module, y + size - (r + 5) * module,
                              (col - start) * module, module)  # fmt: skip
                    start = None
        c.drawPath(path, fill=1, stroke=0)

    def watermark(self, s: str) -> None:
        c = self.canvas
        c.saveState()
        c.setFillGray(0.85)
        c.translate(self.width / 2, self.height / 2)
        c.rotate(30)
        c.setFont(BOLD, 54)
        c.drawCentredString(0, 0, s)
        c.restoreState()

    def finish(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


def signature_block(page: Page, *, x: float, y: float, content: dict, issue: Issue,
                    place_lines: list[str] | None = None) -> None:  # fmt: skip
    """Place and date, the office, the QR of the electronic signature and the official's name,
    as on documents signed with TTE (QR instead of a wet signature and stamp)."""
    office = content["office"]
    for line in place_lines or [f"{office['place']}, {issue.issued_on}"]:
        page.text(x, y, line, size=9)
        y -= 12
    page.text(x, y, "KEPALA DINAS KEPENDUDUKAN DAN", size=8.5, font=BOLD)
    page.text(x, y - 11, f"PENCATATAN SIPIL {office['name'].upper()}", size=8.5, font=BOLD,
              max_width=200)  # fmt: skip
    qr_size = 26 * mm
    if issue.draft:
        page.canvas.setDash(3, 2)
        page.canvas.rect(x, y - 18 - qr_size, qr_size, qr_size)
        page.canvas.setDash()
        page.text(x + qr_size / 2, y - 18 - qr_size / 2, "QR TTE", size=7, align="center")
    else:
        page.qr(x, y - 18 - qr_size, qr_size, issue.verification_url)
    page.text(x, y - 30 - qr_size, issue.signer_name or "-", size=9, font=BOLD)


def tte_note(page: Page, *, y: float, issue: Issue) -> None:
    lines = [
        "Dokumen ini ditandatangani secara elektronik dengan sertifikat elektronik Disdukcapil "
        "sehingga tidak memerlukan cap dan tanda tangan basah.",
        f"Pindai kode QR atau buka {issue.verification_url} untuk memeriksa keasliannya.",
    ]
    for i, line in enumerate(lines):
        page.text(30, y - i * 9, line, size=6.5, font=ITALIC, max_width=page.width - 60)


def new_page(*, wide: bool, title: str, issue: Issue) -> Page:
    page = Page(size=landscape(A4) if wide else A4, title=title, subject=issue.number)
    if issue.draft:
        page.watermark("DRAF - BELUM DITANDATANGANI")
    return page


def render(content: dict, issue: Issue) -> bytes:
    """The PDF of ``content`` (see :mod:`dukcapil.documents.content`) as issued by ``issue``."""
    from dukcapil.documents.layouts import LAYOUTS

    return LAYOUTS[content["type"]](content, issue)
