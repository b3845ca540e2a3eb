"""The reader is bounded: a sheet that declares more columns or rows than we
read is refused before a single cell is read, and only the header's columns
are read. The padded file below (5,000 rows, each holding one empty, styled
cell in column XFD) used to make every import page build 82 million cells."""

import io
import re
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from duos.imports import reader
from duos.imports.reader import SpreadsheetError
from duos.models import DataImport

HEADERS = {
    "import_upload": ["ref", "kind", "first_name"],
    "outcome_import_upload": ["jobseeker_ref", "point", "status"],
    "history_upload": ["mentee_ref", "mentor_ref", "started_on"],
}
REFUSED = "its first sheet reaches column XFD (16,384 columns); at most 100 are read"


def padded_xlsx(header: list[str], rows: int = 5000) -> bytes:
    """``rows`` rows below the header, each with one empty cell in column XFD
    (styled, so that the cell is really written, as a spreadsheet program does)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    bold = Font(bold=True)
    for row in range(2, rows + 1):
        sheet.cell(row=row, column=16384, value="").font = bold
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


@pytest.fixture(scope="module")
def padded():
    content = {name: padded_xlsx(header) for name, header in HEADERS.items()}
    xml = _sheet_xml(content["import_upload"])
    assert '<dimension ref="A1:XFD5000"' in xml  # the file says how wide it is
    assert len(re.findall(r'<c r="XFD\d+"', xml)) == 4999  # and the cells are there
    return content


@pytest.fixture
def no_cell_read(monkeypatch):
    """Fail the test if any cell of a sheet is read."""

    def refuse(*args, **kwargs):
        raise AssertionError("a cell was read")

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", refuse)


def test_the_reader_refuses_the_padded_sheet_before_reading_a_cell(padded, no_cell_read):
    with pytest.raises(SpreadsheetError) as caught:
        reader.read_table(content=padded["import_upload"], filename="padded.xlsx")
    assert caught.value.message.startswith(f"padded.xlsx: {REFUSED}")


@pytest.mark.parametrize("url_name", list(HEADERS))
def test_each_import_page_refuses_the_padded_sheet_at_once(client, world, padded, url_name):
    client.force_login(world.coordinator)
    url = reverse(f"duos:{url_name}", args=[world.programme.uuid])
    upload = SimpleUploadedFile("padded.xlsx", padded[url_name])
    start = time.perf_counter()
    response = client.post(url, {"file": upload})
    elapsed = time.perf_counter() - start
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert not DataImport.objects.exists()
    assert elapsed < 1, f"{url_name} took {elapsed:.2f} s"  # a guard: it takes milliseconds


def test_the_command_refuses_the_padded_sheet(db, tmp_path, padded):
    path = tmp_path / "padded.xlsx"
    path.write_bytes(padded["history_upload"])
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_duos", str(path), "--programme", "p", "--create", "P", stderr=err)
    assert REFUSED in err.getvalue()


def test_a_sheet_declaring_too_many_rows_is_refused(monkeypatch, no_cell_read):
    monkeypatch.setattr(reader, "MAX_LINES", 1000)
    workbook = Workbook()
    workbook.active.append(["ref"])
    workbook.active.cell(row=5000, column=1, value="R1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(SpreadsheetError, match="reaches row 5,000; at most 1,000 rows are read"):
        reader.read_table(content=buffer.getvalue(), filename="long.xlsx")


def test_only_the_header_s_columns_are_read(monkeypatch):
    """A stray value beyond the header (within the declared limit) is not read at all."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ref", "first_name"])
    sheet.append(["R1", "Ann"])
    sheet.cell(row=2, column=60, value="far away")
    buffer = io.BytesIO()
    workbook.save(buffer)
    widths = []
    original = ReadOnlyWorksheet._cells_by_row

    def spy(self, min_col, min_row, max_col, max_row, values_only=False):
        widths.append(max_col)
        return original(self, min_col, min_row, max_col, max_row, values_only)

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", spy)
    table = reader.read_table(content=buffer.getvalue(), filename="a.xlsx")
    assert list(table.records()) == [(2, {"ref": "R1", "first_name": "Ann"})]
    assert widths[-1] == 2  # the data rows: the header's two columns


def test_a_sheet_without_a_declared_size_is_still_read():
    workbook = Workbook()
    workbook.active.append(["ref", "first_name"])
    workbook.active.append(["R1", "Ann"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = _without_dimension(buffer.getvalue())
    assert "<dimension" not in _sheet_xml(content)
    table = reader.read_table(content=content, filename="a.xlsx")
    assert list(table.records()) == [(2, {"ref": "R1", "first_name": "Ann"})]


def _without_dimension(content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            target.writestr(info, data)
    return out.getvalue()


def test_a_header_wider_than_the_limit_is_refused():
    header = ",".join(f"c{n}" for n in range(reader.MAX_COLUMNS + 1))
    content = f"{header}\n{'x,' * reader.MAX_COLUMNS}x\n".encode()
    with pytest.raises(SpreadsheetError, match="has 101 columns in its header"):
        reader.read_table(content=content, filename="wide.csv")
