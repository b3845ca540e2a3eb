"""Reading an uploaded table: CSV or XLSX, as DESIGN.md "Public formats" says.

- CSV: UTF-8 (a BOM is accepted); ``,`` or ``;`` chosen from the header line.
- XLSX: the first worksheet; date cells come back as dates, the rest as text.
- The format is recognised by content, never by the file name: a PDF renamed
  ``.xlsx`` is refused with a message that names the file.
- Bounded: the size is checked before any parsing (``MAX_BYTES``, and
  ``MAX_UNPACKED_BYTES`` for the zip inside an XLSX); an XLSX whose first sheet
  declares more rows or columns than we read (its ``<dimension ref="A1:XFD5000">``)
  is refused before a single cell is read; then only the header's columns are
  read (``max_col``), so a stray empty cell in column XFD costs nothing; rows
  are capped as they stream (``MAX_ROWS`` data rows, ``MAX_LINES`` in all).
- Cells are text: nothing is evaluated. From an XLSX we read the values Excel
  saved with the file (``data_only``), never the formula itself.

Line numbers are the spreadsheet's row numbers: the header is line 1, so a
message can say "line 7 (the header is line 1), column birth_date: ...".
Every problem raises ``SpreadsheetError`` with a message meant for the user.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000  # data rows, blank ones not counted
MAX_LINES = 100_000  # every row read, blank ones included
MAX_COLUMNS = 100  # the widest format has 17 columns; a list export a few more
MAX_UNPACKED_BYTES = 60 * 1024 * 1024  # an XLSX is a zip: refuse zip bombs
ZIP_SIGNATURE = b"PK\x03\x04"

Cell = str | dt.date

# Known binary formats, recognised by their first bytes, and what to say.
_OLD_EXCEL = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: .xls (and .doc)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_BINARY_STARTS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%!PS", b"{\\rtf", b"\x1f\x8b")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LINE_END = re.compile(r"\r\n|\r|\n")


class SpreadsheetError(Exception):
    """The file cannot be read as a table; ``message`` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Row:
    line: int  # the spreadsheet's row number; the header is line 1
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    filename: str
    header: tuple[str, ...]  # lower-case, stripped, inner spaces as "_"
    rows: tuple[Row, ...]  # blank rows left out, line numbers kept

    def records(self) -> Iterator[tuple[int, dict[str, Cell]]]:
        """Each row as (line, {column: value}); missing cells are ""."""
        for row in self.rows:
            values = dict.fromkeys(self.header, "")
            for name, value in zip(self.header, row.cells, strict=False):
                if name:
                    values[name] = value
            values.pop("", None)
            yield row.line, values


def where(*, line: int, column: str | int | None = None) -> str:
    """ "line 7 (the header is line 1), column birth_date" — the start of a message."""
    if column is None:
        return _("line %(line)s (the header is line 1)") % {"line": line}
    return _("line %(line)s (the header is line 1), column %(column)s") % {
        "line": line,
        "column": column,
    }


def cell_error(*, line: int, column: str | int | None, problem: str) -> str:
    return f"{where(line=line, column=column)}: {problem}"


def check_size(*, size: int, filename: str) -> None:
    """Refuse a file over ``MAX_BYTES`` before reading it (call it on ``upload.size``)."""
    if size > MAX_BYTES:
        raise SpreadsheetError(
            _("%(file)s is %(size)s MB; files up to %(limit)s MB are accepted. Split it.")
            % {
                "file": filename,
                "size": f"{size / 1024 / 1024:.1f}",
                "limit": MAX_BYTES // 1024 // 1024,
            }
        )


def read_table(*, content: bytes, filename: str) -> Table:
    """Header and rows of an XLSX or CSV file, recognised by content."""
    check_size(size=len(content), filename=filename)
    if not content.strip():
        raise SpreadsheetError(_("%(file)s is empty.") % {"file": filename})
    if content.startswith(ZIP_SIGNATURE):
        lines = _xlsx_lines(content, filename)
    else:
        _refuse_known_binaries(content, filename)
        lines = _csv_lines(content, filename)
    return _table(lines, filename)


def as_date(value: Cell) -> dt.date:
    """A date cell, or ISO text YYYY-MM-DD; ``ValueError`` otherwise."""
    if isinstance(value, dt.date):
        return value
    if not _ISO_DATE.match(value):
        raise ValueError(value)
    return dt.date.fromisoformat(value)


def _not_a_table(filename: str) -> SpreadsheetError:
    return SpreadsheetError(_("%(file)s is not an Excel (.xlsx) or CSV file.") % {"file": filename})


def _refuse_known_binaries(content: bytes, filename: str) -> None:
    if content.startswith(_OLD_EXCEL):
        raise SpreadsheetError(
            _(
                "%(file)s is an old Excel (.xls) workbook, a password-protected file or "
                "another Office file: save it as Excel (.xlsx) without a password, or as CSV UTF-8."
            )
            % {"file": filename}
        )
    if content.startswith(_UTF16_BOMS):
        raise SpreadsheetError(
            _("%(file)s is UTF-16 text: save it as CSV UTF-8.") % {"file": filename}
        )
    if content.startswith(_BINARY_STARTS) or b"\x00" in content[:8192]:
        raise _not_a_table(filename)


# --- CSV ---------------------------------------------------------------------


def _decode(content: bytes, filename: str) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise SpreadsheetError(
            _(
                "%(file)s, line %(line)s: the text is not UTF-8. "
                "In Excel, save it as “CSV UTF-8 (comma delimited)”."
            )
            % {"file": filename, "line": line}
        ) from None
    if _CONTROL.search(text):
        raise _not_a_table(filename)
    return text


def _delimiter(text: str) -> str:
    header = _LINE_END.split(text, maxsplit=1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _csv_lines(content: bytes, filename: str) -> Iterator[tuple[Cell, ...]]:
    text = _decode(content, filename)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    read = 0
    try:
        for cells in reader:
            read += 1
            yield tuple(cell.strip() for cell in cells)
    except csv.Error as exc:
        raise SpreadsheetError(
            _("%(file)s, line %(line)s cannot be read as CSV (%(detail)s).")
            % {"file": filename, "line": read + 1, "detail": exc}
        ) from None


# --- XLSX --------------------------------------------------------------------


def _xlsx_lines(content: bytes, filename: str) -> Iterator[tuple[Cell, ...]]:
    from openpyxl import load_workbook

    _check_unpacked_size(content, filename)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, KeyError…) on foreign files
        raise _not_a_table(filename) from None
    try:
        if not workbook.worksheets:
            raise _not_a_table(filename)
        yield from _sheet_lines(workbook.worksheets[0], filename)
    except SpreadsheetError:
        raise
    except Exception:  # broken XML inside a valid zip
        raise _not_a_table(filename) from None
    finally:
        workbook.close()


def _sheet_lines(sheet, filename: str) -> Iterator[tuple[Cell, ...]]:
    """The header row, then the rows cut to the header's width."""
    _check_declared_size(sheet, filename)  # before reading any cell
    # Then trust the cells, not the declared size: a smaller one would cut rows
    # off, a larger one pad them.
    sheet.reset_dimensions()
    first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    header = tuple(_xlsx_cell(value) for value in first)
    while header and header[-1] == "":
        header = header[:-1]
    _check_columns(len(header), filename)
    yield header
    width = max(len(header), 1)
    for values in sheet.iter_rows(min_row=2, max_col=width, values_only=True):
        yield tuple(_xlsx_cell(value) for value in values)


def _check_declared_size(sheet, filename: str) -> None:
    """Refuse a sheet that says it is bigger than what we read; the number comes
    from the sheet's ``<dimension>`` element (read_only mode), no cell is read."""
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if columns > MAX_COLUMNS:
        from openpyxl.utils import get_column_letter

        raise SpreadsheetError(
            _(
                "%(file)s: its first sheet reaches column %(letter)s (%(columns)s columns); "
                "at most %(limit)s are read. Delete the empty columns to the right of your "
                "data (select them, right-click, Delete), or save the sheet as CSV."
            )
            % {
                "file": filename,
                "letter": get_column_letter(min(columns, 16384)),
                "columns": f"{columns:,}",
                "limit": MAX_COLUMNS,
            }
        )
    if rows > MAX_LINES:
        raise SpreadsheetError(
            _(
                "%(file)s: its first sheet reaches row %(rows)s; at most %(limit)s rows are "
                "read. Delete the empty rows below your data, or split the file."
            )
            % {"file": filename, "rows": f"{rows:,}", "limit": f"{MAX_LINES:,}"}
        )


def _check_columns(width: int, filename: str) -> None:
    if width > MAX_COLUMNS:
        raise SpreadsheetError(
            _(
                "%(file)s has %(columns)s columns in its header (line 1); "
                "at most %(limit)s are read."
            )
            % {"file": filename, "columns": width, "limit": MAX_COLUMNS}
        )


def _check_unpacked_size(content: bytes, filename: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _not_a_table(filename) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(
            _("%(file)s holds too much data once unpacked; split it into smaller files.")
            % {"file": filename}
        )


def _xlsx_cell(value) -> Cell:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 1080.0 → "1080" (postcodes, capacities typed as numbers)
    return str(value).strip()


# --- both ------------------------------------------------


def _is_blank(cells: tuple[Cell, ...]) -> bool:
    return all(cell == "" for cell in cells)


def _header(cells: tuple[Cell, ...], filename: str) -> tuple[str, ...]:
    names = [re.sub(r"[\s\-]+", "_", str(cell).strip().lower()) for cell in cells]
    names = [name.lstrip("\ufeff") for name in names]
    while names and not names[-1]:
        names.pop()
    _check_columns(len(names), filename)
    if not names:
        raise SpreadsheetError(
            _("%(file)s: line 1 must hold the column names, but it is empty.") % {"file": filename}
        )
    seen = set()
    for name in names:
        if name and name in seen:
            raise SpreadsheetError(
                _("%(file)s: column %(column)s appears twice in the header (line 1).")
                % {"file": filename, "column": name}
            )
        seen.add(name)
    return tuple(names)


def _check_width(cells: tuple[Cell, ...], header: tuple[str, ...], line: int) -> None:
    for index, cell in enumerate(cells):
        unnamed = index >= len(header) or not header[index]
        if unnamed and cell != "":
            raise SpreadsheetError(
                cell_error(
                    line=line,
                    column=index + 1,
                    problem=_("'%(value)s' is in a column without a name in the header.")
                    % {"value": cell},
                )
            )


def _table(lines: Iterable[tuple[Cell, ...]], filename: str) -> Table:
    header: tuple[str, ...] | None = None
    rows: list[Row] = []
    for line, cells in enumerate(lines, start=1):
        if line > MAX_LINES or len(rows) > MAX_ROWS:
            _too_many_rows(filename)
        if header is None:
            header = _header(cells, filename)
        elif not _is_blank(cells):
            _check_width(cells, header, line)
            rows.append(Row(line=line, cells=cells[: len(header)]))
    if len(rows) > MAX_ROWS:
        _too_many_rows(filename)
    if header is None:
        raise SpreadsheetError(_("%(file)s is empty.") % {"file": filename})
    if not rows:
        raise SpreadsheetError(
            _("%(file)s has column names (line 1) but no data rows below them.")
            % {"file": filename}
        )
    return Table(filename=filename, header=header, rows=tuple(rows))


def _too_many_rows(filename: str) -> None:
    raise SpreadsheetError(
        _("%(file)s has more than %(limit)s rows; split it into smaller files.")
        % {"file": filename, "limit": f"{MAX_ROWS:,}"}
    )
