"""Property-based tests of the three imports (issue 14, item 4): whatever the
file, a preview with its errors or a clean ``ImportRejected``, never an
unhandled exception; and a rejected import writes no row.

The files are generated: headers drawn from the format's columns, unknown
names and junk, in any order; cells drawn from the template's own values, dates
at the ends of the calendar and nasty text; rows too short or too long; UTF-8
with or without BOM, Latin-1, cp1252, UTF-16; commas or semicolons; CRLF, CR or
LF; quoted or not. A few XLSX workbooks too, with numbers, booleans, dates,
times and formulas in the cells. Then the same through the upload views.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from duos.imports import flow, history, outcomes, participants, reader
from duos.imports.rows import ImportRejected, header_problems
from duos.models import ImportKind
from tests import factories
from tests.conftest import World
from tests.test_bad_input import BUDGET, NASTY, changed, snapshot

IMPORTERS = {
    ImportKind.PARTICIPANTS: participants.IMPORTER,
    ImportKind.OUTCOMES: outcomes.IMPORTER,
    ImportKind.DUOS: history.IMPORTER,
}
UPLOAD_URLS = {
    ImportKind.PARTICIPANTS: "duos:import_upload",
    ImportKind.OUTCOMES: "duos:outcome_import_upload",
    ImportKind.DUOS: "duos:history_upload",
}


def _good_values(importer) -> dict[str, list]:
    """Per column, the values the template shows, and a few more of the right kind."""
    template = importer.template()
    values = {name: [""] for name in importer.columns}
    for row in template["rows"]:
        for name, value in zip(template["header"], row, strict=False):
            values[name].append(value.isoformat() if isinstance(value, dt.date) else str(value))
    for name in importer.columns:
        if name.endswith(("_on", "date")):
            values[name] += ["0001-01-01", "9999-12-31", "2024-02-30", "31/12/2024", "2024-1-1"]
        if name in ("capacity",):
            values[name] += ["0", "-1", "99999999999999999999", "1.5", "1e3"]
    return values


# Control characters refuse the whole file: they come from the last strategy only.
SHORT_NASTY = [v for v in NASTY if len(v) < 1000 and v.isprintable()] + ["x" * 5000]


def cell(good: list) -> st.SearchStrategy[str]:
    plausible = st.sampled_from(good)
    return st.one_of(
        *[plausible] * 8,
        st.sampled_from(SHORT_NASTY),
        st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
        st.sampled_from(["\x00", "a\x00b", "\x1b[31m", "\x07", "\x7f"]),  # refuses the file
    )


@st.composite
def tables(draw, importer) -> tuple[list[str], list[list]]:
    good = _good_values(importer)
    known = list(importer.columns)
    header = draw(
        st.lists(
            st.one_of(
                st.sampled_from(known),
                st.sampled_from(["", " Ref ", "KIND", "first name", "unknown", "ref;kind"]),
                st.text(max_size=6),
            ),
            min_size=0,
            max_size=len(known) + 3,
        )
    )
    if draw(st.integers(0, 4)):  # mostly a header that has the required columns
        header = list(dict.fromkeys([*importer.required, *header]))
        header = draw(st.permutations(header))
    rows = []
    for _ in range(draw(st.sampled_from([1, 2, 3, 5, 0]))):
        ragged = draw(st.integers(min_value=0, max_value=3)) == 0
        width = len(header) + (draw(st.integers(min_value=-2, max_value=2)) if ragged else 0)
        names = [*header, *[""] * max(0, width - len(header))][: max(width, 0)]
        rows.append([draw(cell(good.get(name.strip().lower(), [""]))) for name in names])
    return header, rows


@st.composite
def csv_files(draw, importer) -> bytes:
    header, rows = draw(tables(importer))
    delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
    newline = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    if draw(st.booleans()):
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
        writer.writerows([header, *rows])
        text = out.getvalue()
    else:  # unquoted: cells with the delimiter, quotes or line ends break the rows
        text = newline.join(delimiter.join(map(str, r)) for r in [header, *rows])
    encoding = draw(
        st.sampled_from(["utf-8"] * 4 + ["utf-8-sig"] * 2 + ["latin-1", "cp1252", "utf-16"])
    )
    return text.encode(encoding, errors="replace")


XLSX_CELL = st.one_of(
    st.none(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(dt.date(1900, 1, 1), dt.date(9999, 12, 31)),
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(9999, 12, 31)),
    st.times(),
    st.sampled_from(["=1/0", "=NOW()", "=A1", "#N/A"]),
)


@st.composite
def xlsx_files(draw, importer) -> bytes:
    header, rows = draw(tables(importer))
    workbook = Workbook()
    sheet = workbook.active
    for line in [header, *rows]:
        typed = draw(st.booleans())  # some rows with typed cells, others text
        line = [draw(st.one_of(st.just(value), XLSX_CELL)) if typed else value for value in line]
        line = [v.replace("\x00", "") if isinstance(v, str) else v for v in line]
        try:
            sheet.append(line)
        except Exception:  # openpyxl refuses control characters: leave the row out
            continue
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class Programme(World):
    """A programme with people the templates' rows name, and an ended duo."""

    def __init__(self):
        super().__init__()
        duo = factories.DuoFactory(
            programme=self.programme,
            ended=True,
            mentee__ref="ME-0001",
            mentor__ref="MR-0001",
        )
        duo.mentee.jobseeker_ref = "JS-123456"
        duo.mentee.save(update_fields=["jobseeker_ref"])
        self.client = Client()
        self.client.force_login(self.coordinator)


@pytest.fixture
def place(db):
    return Programme()


def _stage(importer, content: bytes) -> str:
    """How far a rejected file got: read, header, or its rows."""
    try:
        table = reader.read_table(content=content, filename="f")
    except reader.SpreadsheetError as exc:
        return "unreadable " + exc.message.split(" ", 1)[1][:30]
    errors, _warnings = header_problems(table, columns=importer.columns, required=importer.required)
    return "header" if errors else "rows"


def _check(place, importer, content: bytes, filename: str) -> None:
    """Preview and apply: errors or counts, never an exception; rejected: no write."""
    arguments = {"programme": place.programme, "content": content, "filename": filename}
    preview = flow.import_preview(importer, **arguments)
    assert all(isinstance(str(error), str) for error in preview.errors)
    before = snapshot()
    try:
        flow.import_apply(place.coordinator, importer, **arguments)
    except ImportRejected as exc:
        event("rejected: " + _stage(importer, content))
        assert exc.errors
        assert not changed(before, snapshot())
    else:
        event("applied")
        assert not preview.errors, "applied although the preview showed errors"


@pytest.mark.parametrize("kind", list(IMPORTERS))
@given(data=st.data())
@settings(BUDGET, max_examples=40)
def test_any_csv_is_previewed_or_rejected_cleanly(kind, place, data):
    importer = IMPORTERS[kind]
    _check(place, importer, data.draw(csv_files(importer), label="csv"), "upload.csv")


@pytest.mark.parametrize("kind", list(IMPORTERS))
@given(data=st.data())
@settings(BUDGET, max_examples=6)
def test_any_xlsx_is_previewed_or_rejected_cleanly(kind, place, data):
    importer = IMPORTERS[kind]
    _check(place, importer, data.draw(xlsx_files(importer), label="xlsx"), "upload.xlsx")


@pytest.mark.parametrize("kind", list(IMPORTERS))
@given(data=st.data())
@settings(BUDGET, max_examples=5)
def test_upload_preview_confirm_never_500(kind, place, data):
    """Through the pages: upload, the preview it leads to, and its confirmation."""
    importer = IMPORTERS[kind]
    content = data.draw(st.one_of(csv_files(importer), xlsx_files(importer)), label="file")
    name = data.draw(st.sampled_from(["a.csv", "a.xlsx", "", "\x00.csv", "é" * 300 + ".csv"]))
    upload = SimpleUploadedFile(name or "x", content)
    response = place.client.post(
        reverse(UPLOAD_URLS[kind], args=[place.programme.uuid]), {"file": upload}
    )
    assert response.status_code < 500
    if response.status_code == 302:
        preview = response["Location"]
        assert place.client.get(preview).status_code < 500
        before = snapshot()
        response = place.client.post(preview + "confirm/")
        assert response.status_code < 500
        if not any(m.level_tag == "success" for m in response.wsgi_request._messages):
            after = snapshot()
            after.pop("duos.DataImport", None), before.pop("duos.DataImport", None)
            assert not changed(before, after)


@st.composite
def template_variants(draw, importer) -> bytes:
    """The format's own template, a few cells changed: the rows get planned and written."""
    template = importer.template()
    good = _good_values(importer)
    header = list(template["header"])
    rows = []
    for row in template["rows"]:
        row = [v.isoformat() if isinstance(v, dt.date) else str(v) for v in row]
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            at = draw(st.integers(min_value=0, max_value=len(row) - 1))
            row[at] = draw(cell(good[header[at]]))
        rows.append(row)
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode()


@pytest.mark.parametrize("kind", list(IMPORTERS))
@given(data=st.data())
@settings(BUDGET, max_examples=30)
def test_the_template_with_any_cell_changed(kind, place, data):
    importer = IMPORTERS[kind]
    _check(place, importer, data.draw(template_variants(importer), label="csv"), "upload.csv")
