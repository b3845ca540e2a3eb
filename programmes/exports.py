"""CSV and XLSX downloads of tables, safe to open in Excel.

A cell starting with = + - @ (or a tab / carriage return) would be run as a
formula by spreadsheet programs: such text is prefixed with an apostrophe."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | dt.date):
        return value
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    return neutralise(str(value))


def table_response(
    *, header: Sequence[str], rows: Iterable[Sequence], filename: str, fmt: str
) -> HttpResponse:
    """``fmt`` is "csv" or "xlsx"; ``filename`` without extension."""
    if fmt == "xlsx":
        content, content_type = _xlsx(header, rows), XLSX_TYPE
    else:
        fmt, content_type = "csv", "text/csv; charset=utf-8"
        content = _csv(header, rows)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _csv(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8


@dataclass
class SheetData:
    """One sheet of a workbook: its name, header and rows; ``formats`` maps a
    column name to an Excel number format (PERCENT, EURO, ...), applied to the
    numbers of that column (a text marker in it stays text)."""

    name: str
    header: Sequence[str]
    rows: list[Sequence]
    formats: dict[str, str] = field(default_factory=dict)
    widths: dict[str, int] = field(default_factory=dict)


PERCENT = "0.0%"
EURO = '#,##0 "€";-#,##0 "€"'
EURO_CENTS = '#,##0.00 "€";-#,##0.00 "€"'
DECIMAL = "0.0"


def workbook_response(*, sheets: Sequence[SheetData], filename: str) -> HttpResponse:
    """An XLSX workbook of several sheets, numbers as numbers with their formats,
    text neutralised; ``filename`` without extension."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    for data in sheets:
        sheet = workbook.create_sheet(title=data.name[:31])
        for column, name in enumerate(data.header):
            width = data.widths.get(name, max(10, min(len(str(name)) + 2, 40)))
            sheet.column_dimensions[_letter(column)].width = width
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for name in data.header:
            cell = WriteOnlyCell(sheet, value=_cell(name))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        formats = [data.formats.get(name) for name in data.header]
        for row in data.rows:
            cells = []
            for value, number_format in zip(row, formats, strict=True):
                cell = WriteOnlyCell(sheet, value=_cell(value))
                if number_format and isinstance(cell.value, int | float | Decimal):
                    cell.number_format = number_format
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column + 1)


def _xlsx(header, rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(header))
    for row in rows:
        sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
