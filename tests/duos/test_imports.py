"""Reading spreadsheets and the participant import, as plain functions against
the real database (DESIGN.md "Public formats" → "Participant import")."""

import csv
import datetime as dt
import io
import zipfile

import pytest
from auditlog.models import LogEntry
from openpyxl import Workbook

from duos.imports import flow
from duos.imports import participants as imports
from duos.imports import reader as spreadsheets
from duos.imports.reader import SpreadsheetError
from duos.imports.rows import UNCHANGED, UPDATE, ImportRejected
from duos.models import DataImport, Mentee, Mentor, Origin, PipelineStatus
from tests.factories import MenteeFactory, MentorFactory, ProgrammeFactory, UserFactory

HEADER = list(imports.COLUMNS)
MENTEE = {
    "ref": "ME-1",
    "kind": "mentee",
    "first_name": "Amina",
    "last_name": "Benali",
    "email": "amina@demo.invalid",
    "phone": "0470 12 34 56",
    "birth_date": "2001-05-17",
    "gender": "female",
    "postcode": "1080",
    "municipality": "Molenbeek-Saint-Jean",
    "languages": "fr; ar",
    "sectors": "logistics; retail",
    "education_level": "isced_3_4",
    "employment_status": "unemployed",
    "jobseeker_ref": "JS-1",
}
MENTOR = {
    "ref": "MR-1",
    "kind": "mentor",
    "first_name": "Marc",
    "last_name": "Peeters",
    "email": "marc@demo.invalid",
    "phone": "0475 98 76 54",
    "birth_date": "1962-03-02",
    "gender": "male",
    "postcode": "1000",
    "municipality": "Bruxelles",
    "languages": "fr;nl",
    "sectors": "logistics",
    "education_level": "isced_5_8",
    "profession": "Warehouse manager",
    "capacity": "2",
}


def _csv(*rows: dict, header=HEADER, delimiter=",", bom=False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def _xlsx(*rows: list, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _people() -> tuple[int, int]:
    return Mentee.objects.count(), Mentor.objects.count()


@pytest.fixture
def actor(db):
    return UserFactory()


def _apply(programme, content: bytes, actor=None, filename="people.csv"):
    return flow.import_apply(
        actor, imports.IMPORTER, programme=programme, content=content, filename=filename
    )


def _preview(programme, content: bytes, filename="a.csv"):
    return flow.import_preview(
        imports.IMPORTER, programme=programme, content=content, filename=filename
    )


def _errors(programme, content: bytes, filename="people.csv") -> list[str]:
    return _preview(programme, content, filename=filename).errors


# --- reading tables -------------------------------------------------------------------


def test_comma_csv():
    table = spreadsheets.read_table(content=_csv(MENTEE), filename="a.csv")
    assert table.header == tuple(HEADER)
    [(line, record)] = list(table.records())
    assert line == 2
    assert record["first_name"] == "Amina" and record["languages"] == "fr; ar"


def test_semicolon_csv_with_bom_and_loose_header():
    content = "\ufeffRef ; Kind;First name;birth_date\r\nA1;mentee;Zoë;2000-01-02\r\n".encode()
    table = spreadsheets.read_table(content=content, filename="a.csv")
    assert table.header == ("ref", "kind", "first_name", "birth_date")
    assert list(table.records()) == [
        (2, {"ref": "A1", "kind": "mentee", "first_name": "Zoë", "birth_date": "2000-01-02"})
    ]


def test_xlsx_dates_numbers_and_first_sheet_only():
    workbook = Workbook()
    first = workbook.active
    first.append(["ref", "birth_date", "postcode", "capacity", "phone"])
    first.append(["R1", dt.datetime(1990, 2, 28), 1080, 2.0, None])
    other = workbook.create_sheet("Other")
    other.append(["nothing", "here"])
    workbook.active = 1  # the second sheet is the selected one: still read the first
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = spreadsheets.read_table(content=buffer.getvalue(), filename="a.xlsx")
    [(line, record)] = list(table.records())
    assert line == 2
    assert record == {
        "ref": "R1",
        "birth_date": dt.date(1990, 2, 28),
        "postcode": "1080",
        "capacity": "2",
        "phone": "",
    }


def test_formulas_are_never_evaluated():
    table = spreadsheets.read_table(
        content=_xlsx(["R1", "mentee", "=1+1"], header=["ref", "kind", "first_name"]),
        filename="a.xlsx",
    )
    # No value saved by a spreadsheet program: the formula is neither run nor kept.
    assert next(table.records())[1]["first_name"] == ""
    table = spreadsheets.read_table(content=b"ref,first_name\nR1,=1+1\n", filename="a.csv")
    assert next(table.records())[1]["first_name"] == "=1+1"


def test_blank_rows_are_skipped_and_line_numbers_kept():
    content = b"ref,first_name\n\nR1,Ann\n,\nR2,Bob\n"
    table = spreadsheets.read_table(content=content, filename="a.csv")
    assert [line for line, _record in table.records()] == [3, 5]


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "report.xlsx", "report.xlsx is not an Excel"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n", "report.csv", "report.csv is not an Excel"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "photo.csv", "photo.csv is not an Excel (.xlsx) or CSV"),
        (b"PK\x03\x04garbage that is no zip", "broken.xlsx", "broken.xlsx is not an Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", "old Excel (.xls)"),
        (b"", "empty.csv", "empty.csv is empty"),
        (b"  \r\n\r\n", "blank.csv", "blank.csv is empty"),
        (b"ref,kind,first_name\r\n", "header.csv", "header.csv has column names (line 1) but no"),
        (b"ref,kind\n\n\n", "header.csv", "no data rows"),
        (
            b"ref,first_name\nR1,Ren\xe9\n",
            "latin1.csv",
            "latin1.csv, line 2: the text is not UTF-8",
        ),
        (b"\xff\xfer\x00e\x00f\x00", "utf16.csv", "UTF-16"),
        (b"ref,Ref\nR1,R2\n", "twice.csv", "column ref appears twice"),
        (b"ref,first_name\nR1,Ann,extra\n", "wide.csv", "line 2 (the header is line 1), column 3"),
        (b",,\nR1,Ann\n", "noheader.csv", "line 1 must hold the column names"),
    ],
)
def test_unreadable_files_get_a_clear_message(content, filename, message):
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheets.read_table(content=content, filename=filename)
    assert message in caught.value.message


def test_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("report.pdf", b"%PDF-1.4")
    with pytest.raises(SpreadsheetError, match="notes.xlsx is not an Excel"):
        spreadsheets.read_table(content=buffer.getvalue(), filename="notes.xlsx")


def test_a_50_mb_file_is_refused_by_size_before_parsing():
    content = b"ref,first_name\n" + b"R1,Ann\n" * (50 * 1024 * 1024 // 7)
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheets.read_table(content=content, filename="huge.csv")
    assert "huge.csv is 50.0 MB; files up to 5 MB are accepted" in caught.value.message
    with pytest.raises(SpreadsheetError, match="huge.xlsx is 50.0 MB"):
        spreadsheets.check_size(size=50 * 1024 * 1024, filename="huge.xlsx")


def test_an_xlsx_too_big_once_unpacked(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(SpreadsheetError, match="bomb.xlsx holds too much data once unpacked"):
        spreadsheets.read_table(content=_xlsx(["R1"], header=["ref"]), filename="bomb.xlsx")


def test_a_giant_csv_cell_names_its_line():
    content = b"ref,first_name\nR1,Ann\nR2," + b"x" * 200_000 + b"\n"
    with pytest.raises(SpreadsheetError, match="big.csv, line 3 cannot be read as CSV"):
        spreadsheets.read_table(content=content, filename="big.csv")


def test_rows_are_capped(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 3)
    content = b"ref\n" + b"".join(b"R%d\n" % i for i in range(5))
    with pytest.raises(SpreadsheetError, match="more than 3 rows"):
        spreadsheets.read_table(content=content, filename="many.csv")


def test_as_date():
    assert spreadsheets.as_date("2020-02-29") == dt.date(2020, 2, 29)
    assert spreadsheets.as_date(dt.date(2020, 1, 1)) == dt.date(2020, 1, 1)
    for bad in ("2020-02-30", "29/02/2020", "20200229", "2020-W01-1"):
        with pytest.raises(ValueError):
            spreadsheets.as_date(bad)


# --- validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("birth_date", "31/02/1990", "'31/02/1990' is not a date (use YYYY-MM-DD)"),
        ("birth_date", "1990-02-31", "'1990-02-31' is not a date (use YYYY-MM-DD)"),
        ("birth_date", "2999-01-01", "'2999-01-01' is not a plausible birth date"),
        ("capacity", "two", "'two' is not a whole number from 1 to 10"),
        ("capacity", "11", "'11' is not a whole number from 1 to 10"),
        ("capacity", "1.5", "'1.5' is not a whole number from 1 to 10"),
        ("gender", "f", "'f' is not a gender (valid: female, male, non_binary, not_stated)"),
        ("education_level", "bachelor", "'bachelor' is not an education level"),
        ("kind", "coach", "'coach' is not a kind (valid: mentee, mentor)"),
        ("languages", "fr; french", "'french' is not a two-letter ISO 639-1 language code"),
        ("languages", "xx", "'xx' is not a two-letter ISO 639-1 language code"),
        ("sectors", "logistics; rockets", "'rockets' is not a sector code"),
        ("postcode", "0999", "'0999' is not a Belgian postcode"),
        ("postcode", "B-1000", "'B-1000' is not a Belgian postcode"),
        ("email", "marc@", "'marc@' is not an e-mail address"),
        ("first_name", "", "a value is required"),
        ("ref", "", "a value is required"),
        ("employment_status", "unemployed", "'unemployed' is for mentees only"),
        ("phone", "0" * 40, "is longer than 32 characters"),
    ],
)
def test_each_bad_cell_names_line_and_column(programme, column, value, message):
    rows = [MENTEE, {**MENTOR, column: value}]
    errors = _errors(programme, _csv(*rows))
    assert len(errors) == 1
    assert errors[0].startswith(f"line 3 (the header is line 1), column {column}: ")
    assert message in errors[0]


def test_mentee_codes_and_the_exact_message_style(programme):
    row = {**MENTEE, "employment_status": "retired", "birth_date": "31/02/1990"}
    errors = _errors(programme, _csv(MENTEE | {"ref": "ME-0"}, MENTOR, row))
    assert errors == [
        "line 4 (the header is line 1), column birth_date: "
        "'31/02/1990' is not a date (use YYYY-MM-DD)",
        "line 4 (the header is line 1), column employment_status: 'retired' is not an "
        "employment status (valid: unemployed, long_term_unemployed, inactive, employed)",
    ]


def test_missing_required_columns_is_one_error_naming_them(programme):
    header = ["ref", "last_name", "email"]
    errors = _errors(programme, _csv({"ref": "A"}, header=header), filename="team.csv")
    assert errors == [
        "team.csv: required columns missing from the header (line 1): kind, first_name."
    ]


def test_a_ref_repeated_within_the_file(programme):
    errors = _errors(programme, _csv(MENTEE, MENTOR, {**MENTEE, "first_name": "Other"}))
    assert errors == [
        "line 4 (the header is line 1), column ref: "
        "'ME-1' is already the reference of the mentee on line 2"
    ]


def test_lenient_codes_are_normalised(programme):
    row = {
        **MENTEE,
        "kind": "Mentee",
        "gender": "Non-binary",
        "education_level": "3-4",
        "languages": "FR, ar;;",
        "sectors": " Logistics ",
        "employment_status": "Long term unemployed",
    }
    preview = _preview(programme, _csv(row))
    assert preview.ok, preview.errors
    changes = preview.rows[0].values
    assert changes["gender"] == "non_binary"
    assert changes["education_level"] == "isced_3_4"
    assert changes["languages"] == ["fr", "ar"]
    assert changes["sectors"] == ["logistics"]
    assert changes["employment_status"] == "long_term_unemployed"


def test_unknown_columns_are_ignored_with_a_warning(programme):
    header = [*HEADER, "notes", "status"]
    preview = _preview(programme, _csv(MENTEE, header=header))
    assert preview.ok
    assert "ignored: notes, status" in preview.warnings[0]


# --- applying ---------------------------------------------------------------------------


def test_import_creates_applicants_without_consent(programme, actor):
    summary = _apply(programme, _csv(MENTEE, MENTOR), actor)
    assert summary == {
        "mentee": {"created": 1, "updated": 0, "unchanged": 0},
        "mentor": {"created": 1, "updated": 0, "unchanged": 0},
    }
    mentee = Mentee.objects.get(programme=programme, ref="ME-1")
    assert mentee.origin == Origin.IMPORT and mentee.status == PipelineStatus.APPLIED
    assert mentee.consent_given_at is None and mentee.consent_version == ""
    assert mentee.special_consent_at is None
    assert mentee.birth_date == dt.date(2001, 5, 17)
    assert mentee.languages == ["fr", "ar"] and mentee.sectors == ["logistics", "retail"]
    assert mentee.employment_status_at_entry == "unemployed" and mentee.jobseeker_ref == "JS-1"
    mentor = Mentor.objects.get(programme=programme, ref="MR-1")
    assert mentor.capacity == 2 and mentor.profession == "Warehouse manager"
    assert mentor.origin == Origin.IMPORT and mentor.consent_given_at is None
    entry = LogEntry.objects.get_for_object(mentee).get()
    assert entry.actor == actor


def test_defaults_when_optional_columns_are_absent(programme):
    content = _csv(
        {"ref": "X", "kind": "mentor", "first_name": "Xavier"}, header=imports.REQUIRED_COLUMNS
    )
    _apply(programme, content)
    mentor = Mentor.objects.get(ref="X")
    assert mentor.capacity == 1 and mentor.gender == "not_stated" and mentor.languages == []


def test_reimporting_the_same_file_changes_nothing(programme, actor):
    content = _csv(MENTEE, MENTOR)
    _apply(programme, content, actor)
    before = list(Mentee.objects.values("pk", "updated_at")) + list(
        Mentor.objects.values("pk", "updated_at")
    )
    entries = LogEntry.objects.count()
    summary = _apply(programme, content, actor)
    assert summary["mentee"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert summary["mentor"] == {"created": 0, "updated": 0, "unchanged": 1}
    after = list(Mentee.objects.values("pk", "updated_at")) + list(
        Mentor.objects.values("pk", "updated_at")
    )
    assert after == before and LogEntry.objects.count() == entries


def test_the_same_languages_in_another_order_are_unchanged(programme):
    _apply(programme, _csv(MENTEE))
    preview = _preview(programme, _csv({**MENTEE, "languages": "ar;fr"}))
    assert preview.rows[0].action == UNCHANGED


def test_a_changed_row_updates_only_what_changed(programme, actor):
    _apply(programme, _csv(MENTEE, MENTOR), actor)
    changed = {**MENTOR, "capacity": "3", "municipality": "Ixelles", "postcode": "1050"}
    summary = _apply(programme, _csv(MENTEE, changed), actor)
    assert summary["mentor"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert summary["mentee"]["unchanged"] == 1
    mentor = Mentor.objects.get(ref="MR-1")
    assert (mentor.capacity, mentor.municipality, mentor.postcode) == (3, "Ixelles", "1050")
    assert Mentor.objects.count() == 1
    entry = LogEntry.objects.get_for_object(mentor).order_by("-timestamp", "-pk").first()
    assert set(entry.changes_dict) == {"capacity", "municipality", "postcode"}
    assert entry.actor == actor


def test_updates_leave_status_origin_and_consent_alone(programme):
    mentee = MenteeFactory(programme=programme, ref="ME-1", first_name="Old")
    _apply(programme, _csv(MENTEE))
    mentee.refresh_from_db()
    assert mentee.first_name == "Amina"
    assert mentee.status == PipelineStatus.READY and mentee.origin == Origin.COORDINATOR
    assert mentee.consent_given_at is not None


def test_a_blank_cell_never_erases(programme):
    _apply(programme, _csv(MENTEE))
    _apply(programme, _csv({**MENTEE, "phone": "", "languages": ";", "birth_date": ""}))
    mentee = Mentee.objects.get(ref="ME-1")
    assert mentee.phone == "0470 12 34 56" and mentee.languages == ["fr", "ar"]
    assert mentee.birth_date == dt.date(2001, 5, 17)


def test_the_situation_at_entry_is_never_overwritten(programme):
    mentee = MenteeFactory(programme=programme, ref="ME-1", employment_status_at_entry="inactive")
    content = _csv({**MENTEE, "employment_status": "employed"})
    preview = _preview(programme, content)
    assert preview.ok
    assert "employment_status" not in preview.rows[0].changes
    assert "situation at entry is already recorded (inactive)" in preview.warnings[0]
    _apply(programme, content)
    mentee.refresh_from_db()
    assert mentee.employment_status_at_entry == "inactive"


def test_the_situation_at_entry_is_recorded_when_empty(programme):
    mentee = MenteeFactory(programme=programme, ref="ME-1", employment_status_at_entry="")
    _apply(programme, _csv(MENTEE))
    mentee.refresh_from_db()
    assert mentee.employment_status_at_entry == "unemployed"


def test_the_key_is_the_ref_within_the_programme_and_kind(programme):
    other = ProgrammeFactory()
    elsewhere = MenteeFactory(programme=other, ref="ME-1", first_name="Elsewhere")
    mentor_same_ref = MentorFactory(programme=programme, ref="ME-1", first_name="Mentor")
    summary = _apply(programme, _csv(MENTEE))
    assert summary["mentee"]["created"] == 1
    elsewhere.refresh_from_db()
    mentor_same_ref.refresh_from_db()
    assert elsewhere.first_name == "Elsewhere" and mentor_same_ref.first_name == "Mentor"


def test_one_bad_row_among_good_ones_writes_nothing(programme, actor):
    rows = [MENTEE, MENTOR] + [
        {**MENTEE, "ref": f"ME-{n}", "email": f"m{n}@demo.invalid"} for n in range(2, 12)
    ]
    rows[7] = {**rows[7], "capacity": "many", "kind": "mentor"}
    before, entries = _people(), LogEntry.objects.count()
    with pytest.raises(ImportRejected) as caught:
        _apply(programme, _csv(*rows), actor)
    assert caught.value.errors == [
        "line 9 (the header is line 1), column employment_status: "
        "'unemployed' is for mentees only: leave it empty on a mentor row",
        "line 9 (the header is line 1), column jobseeker_ref: "
        "'JS-1' is for mentees only: leave it empty on a mentor row",
        "line 9 (the header is line 1), column capacity: 'many' is not a whole number from 1 to 10",
    ]
    assert _people() == before and LogEntry.objects.count() == entries


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"%PDF-1.4\n1 0 obj\n", "report.xlsx"),
        (b"", "empty.csv"),
        (b"ref,kind,first_name\n", "header.csv"),
        (b"ref,last_name\nA,B\n", "columns.csv"),
        (b"ref,kind,first_name\n" + b"x" * (50 * 1024 * 1024), "huge.csv"),
    ],
)
def test_malformed_files_write_nothing(programme, content, filename):
    with pytest.raises(ImportRejected) as caught:
        _apply(programme, content, filename=filename)
    assert filename in caught.value.errors[0]
    assert _people() == (0, 0)


def test_semicolon_csv_with_bom_imports(programme):
    summary = _apply(programme, _csv(MENTEE, MENTOR, delimiter=";", bom=True))
    assert summary["mentee"]["created"] == 1 and summary["mentor"]["created"] == 1
    mentee = Mentee.objects.get(ref="ME-1")
    assert mentee.first_name == "Amina" and mentee.languages == ["fr", "ar"]


def test_xlsx_imports_with_date_cells_and_numbers(programme):
    mentee = [MENTEE.get(c, "") for c in HEADER]
    mentee[HEADER.index("birth_date")] = dt.datetime(2001, 5, 17)
    mentee[HEADER.index("postcode")] = 1080
    mentor = [MENTOR.get(c, "") for c in HEADER]
    mentor[HEADER.index("capacity")] = 2
    _apply(programme, _xlsx(mentee, mentor), filename="people.xlsx")
    assert Mentee.objects.get(ref="ME-1").birth_date == dt.date(2001, 5, 17)
    assert Mentor.objects.get(ref="MR-1").capacity == 2


def test_xlsx_errors_name_the_line_and_column(programme):
    row = [MENTOR.get(c, "") for c in HEADER]
    row[HEADER.index("capacity")] = 2.5
    errors = _errors(programme, _xlsx(row), filename="a.xlsx")
    assert errors == [
        "line 2 (the header is line 1), column capacity: '2.5' is not a whole number from 1 to 10"
    ]


def test_template_rows_import_cleanly(programme):
    table = imports.template_table()
    rows = [dict(zip(table["header"], row, strict=True)) for row in table["rows"]]
    summary = _apply(programme, _csv(*rows))
    assert summary["mentee"]["created"] == 1 and summary["mentor"]["created"] == 1


# --- the stored upload --------------------------------------------------------------------


def test_confirming_an_upload_twice_applies_it_once(programme, actor):
    upload = flow.upload_create(
        actor,
        imports.IMPORTER,
        programme=programme,
        filename="people.csv",
        content=_csv(MENTEE, MENTOR),
    )
    first = flow.upload_confirm(actor, imports.IMPORTER, data_import=upload)
    assert not first.already_applied and first.summary["mentee"]["created"] == 1
    upload.refresh_from_db()
    assert upload.applied_at is not None and upload.summary == first.summary
    Mentee.objects.update(first_name="Edited since")
    second = flow.upload_confirm(actor, imports.IMPORTER, data_import=upload)
    assert second.already_applied and second.summary == first.summary
    assert Mentee.objects.get().first_name == "Edited since"


def test_a_rejected_upload_stays_unapplied(programme, actor):
    upload = flow.upload_create(
        actor,
        imports.IMPORTER,
        programme=programme,
        filename="bad.csv",
        content=_csv({**MENTEE, "gender": "?"}),
    )
    with pytest.raises(ImportRejected):
        flow.upload_confirm(actor, imports.IMPORTER, data_import=upload)
    assert DataImport.objects.get().applied_at is None and _people() == (0, 0)


def test_changing_a_mentor_email_warns_about_the_login(programme):
    MentorFactory(programme=programme, ref="MR-1", user=UserFactory(username="old@demo.invalid"))
    preview = _preview(programme, _csv(MENTOR))
    assert preview.rows[0].action == UPDATE
    assert any("signs in as old@demo.invalid" in warning for warning in preview.warnings)


def test_reimporting_leaves_what_was_corrected_since(programme, actor):
    """A cell that says what the last import said is not news: the correction stays."""
    from duos.services.participants import participant_update

    content = _csv(MENTEE, MENTOR)
    _apply(programme, content, actor)
    mentee = Mentee.objects.get(ref="ME-1")
    participant_update(actor, person=mentee, fields={"phone": "0499 11 22 33"})
    entries = LogEntry.objects.count()
    summary = _apply(programme, content, actor)
    assert summary["mentee"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert Mentee.objects.get(ref="ME-1").phone == "0499 11 22 33"
    assert LogEntry.objects.count() == entries
    # A cell that changed in the file is applied, and only that one.
    _apply(programme, _csv({**MENTEE, "municipality": "Anderlecht"}, MENTOR), actor)
    mentee.refresh_from_db()
    assert (mentee.municipality, mentee.phone) == ("Anderlecht", "0499 11 22 33")
