"""CSV and XLSX of a dashboard table: the same cells as the page (small counts hidden alike)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse

from dukcapil.dashboard.tables import HIDDEN, Table, exported

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _matrix(table: Table, protect: bool) -> list[list]:
    header = [str(c.label) for c in table.columns]
    hidden = table.hidden if protect else set()
    body = [
        [HIDDEN if (i, c.key) in hidden else exported(row[c.key], c.kind, protect)
         for c in table.columns]
        for i, row in enumerate(table.rows)
    ]  # fmt: skip
    return [header, *body]


def as_csv(table: Table, *, protect: bool, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in _matrix(table, protect):
        writer.writerow(["" if v is None else v for v in line])
    response = HttpResponse(
        "\ufeff" + buffer.getvalue(),  # a BOM, so that spreadsheets read UTF-8
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def as_xlsx(table: Table, *, protect: bool, filename: str) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=table.slug[:31])
    for line in _matrix(table, protect):
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
