"""The employment service's outcome import, by jobseeker reference: the plain
functions against the real database, then the pages (upload → preview →
confirm) and who may use them (duos/imports/outcomes.py, duos/views/imports.py)."""

import csv
import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from duos.imports import flow
from duos.imports import outcomes as outcome_import
from duos.imports.rows import ImportRejected
from duos.models import DataImport, ImportKind, Outcome
from tests.factories import DuoFactory, MenteeFactory, OutcomeFactory

HEADER = list(outcome_import.COLUMNS)
STATUSES = (
    "(valid: employed, self_employed, training, studies, internship, still_searching, "
    "inactive, unknown)"
)
CONTRACTS = "(valid: permanent, fixed_term, temporary_agency, social_economy, other)"


def _csv(*rows: dict, header=HEADER, delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return buffer.getvalue().encode()


def _xlsx(*rows: dict) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append([row.get(column) for column in HEADER])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class People:
    """Mentees of the world's programme, known to the employment service."""

    def __init__(self, world):
        programme = world.programme
        self.programme = programme
        self.amina = MenteeFactory(programme=programme, jobseeker_ref="JS-1", status="done")
        self.amina_duo = DuoFactory(
            programme=programme,
            mentee=self.amina,
            ended=True,
            started_on=dt.date(2025, 3, 3),
            ended_on=dt.date(2025, 9, 1),
        )
        # Re-matched: two ended duos; the last one (latest start) gets the outcome.
        self.youssef = MenteeFactory(programme=programme, jobseeker_ref="JS-2", status="done")
        self.youssef_first = DuoFactory(
            programme=programme,
            mentee=self.youssef,
            ended=True,
            started_on=dt.date(2024, 1, 8),
            ended_on=dt.date(2024, 3, 1),
            end_reason="mismatch",
        )
        self.youssef_last = DuoFactory(
            programme=programme,
            mentee=self.youssef,
            ended=True,
            started_on=dt.date(2024, 4, 1),
            ended_on=dt.date(2024, 10, 1),
        )
        # In a duo that has not ended.
        self.lea = MenteeFactory(programme=programme, jobseeker_ref="JS-3", status="in_duo")
        DuoFactory(programme=programme, mentee=self.lea)
        # The same reference in another programme: not this programme's mentee.
        foreign = MenteeFactory(programme=world.other_programme, jobseeker_ref="JS-4")
        DuoFactory(programme=world.other_programme, mentee=foreign, ended=True)


@pytest.fixture
def people(world):
    return People(world)


ROWS = [
    {"jobseeker_ref": "JS-1", "point": "exit", "status": "employed", "contract": "permanent"},
    {"jobseeker_ref": "JS-1", "point": "follow_up", "status": "training", "date": "2026-03-10"},
    {"jobseeker_ref": "JS-2", "point": "exit", "status": "still_searching"},
]


def _preview(people, content: bytes, filename="outcomes.csv"):
    return flow.import_preview(
        outcome_import.IMPORTER, programme=people.programme, content=content, filename=filename
    )


def _apply(people, actor, content: bytes, filename="outcomes.csv"):
    return flow.import_apply(
        actor,
        outcome_import.IMPORTER,
        programme=people.programme,
        content=content,
        filename=filename,
    )


# --- the happy path ---------------------------------------------------------------------


def test_preview_then_apply(people, world, django_capture_on_commit_callbacks):
    preview = _preview(people, _csv(*ROWS))
    assert preview.ok, preview.errors
    assert [(row.line, row.target, row.action) for row in preview.rows] == [
        (2, people.amina_duo, "create"),
        (3, people.amina_duo, "create"),
        (4, people.youssef_last, "create"),
    ]
    assert not Outcome.objects.exists()  # a preview writes nothing

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        summary = _apply(people, world.coordinator, _csv(*ROWS))
    assert summary == {
        "exit": {"created": 2, "updated": 0, "unchanged": 0},
        "follow_up": {"created": 1, "updated": 0, "unchanged": 0},
    }
    exit_ = Outcome.objects.get(duo=people.amina_duo, point="exit")
    assert (exit_.status, exit_.contract_type, exit_.date) == (
        "employed",
        "permanent",
        dt.date(2025, 9, 1),  # no date: the end of the duo
    )
    assert exit_.source == Outcome.Source.EMPLOYMENT_SERVICE
    assert exit_.recorded_by == world.coordinator
    follow = Outcome.objects.get(duo=people.amina_duo, point="follow_up")
    assert (follow.status, follow.date) == ("training", dt.date(2026, 3, 10))
    assert Outcome.objects.get(duo=people.youssef_last).status == "still_searching"
    assert not Outcome.objects.filter(duo=people.youssef_first).exists()
    # Audited with the actor; one recompute of the programme's figures after the commit.
    entry = LogEntry.objects.get_for_object(exit_).get()
    assert entry.actor == world.coordinator
    coalesced = [getattr(c, "duo_coalesce", None) for c in callbacks]
    assert coalesced.count(f"figures:{people.programme.pk}") == 1


def test_a_follow_up_without_date_is_dated_at_the_follow_up(people, world):
    row = {"jobseeker_ref": "JS-2", "point": "follow-up", "status": "Self-Employed"}
    _apply(people, world.coordinator, _csv(row))
    outcome = Outcome.objects.get(duo=people.youssef_last)
    assert outcome.point == "follow_up" and outcome.status == "self_employed"
    assert outcome.date == dt.date(2025, 4, 1)  # ended 1 Oct 2024 + 6 months


def test_reimporting_the_same_file_changes_nothing(people, world):
    _apply(people, world.coordinator, _csv(*ROWS))
    before = (LogEntry.objects.count(), list(Outcome.objects.values().order_by("pk")))

    preview = _preview(people, _csv(*ROWS))
    assert [row.action for row in preview.rows] == ["unchanged"] * 3
    summary = _apply(people, world.coordinator, _csv(*ROWS))
    assert summary["exit"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert (LogEntry.objects.count(), list(Outcome.objects.values().order_by("pk"))) == before


def test_a_changed_row_corrects_the_outcome_and_keeps_its_note(people, world):
    OutcomeFactory(
        duo=people.amina_duo,
        status="still_searching",
        contract_type="",
        source="coordinator",
        note="Called on 2 Sept.",
    )
    rows = [{"jobseeker_ref": "JS-1", "point": "exit", "status": "employed", "contract": "other"}]
    preview = _preview(people, _csv(*rows))
    assert preview.rows[0].action == "update"
    assert preview.rows[0].changes == {
        "status": ("still_searching", "employed"),
        "contract_type": ("", "other"),
    }
    _apply(people, world.coordinator, _csv(*rows))
    outcome = Outcome.objects.get(duo=people.amina_duo)
    assert outcome.status == "employed" and outcome.source == "employment_service"
    assert outcome.note == "Called on 2 Sept." and outcome.date == dt.date(2025, 9, 1)
    assert LogEntry.objects.get_for_object(outcome).count() == 2


def test_a_blank_date_keeps_the_recorded_date(people, world):
    OutcomeFactory(
        duo=people.amina_duo, status="training", contract_type="", date=dt.date(2025, 9, 9)
    )
    rows = [{"jobseeker_ref": "JS-1", "point": "exit", "status": "training"}]
    assert _preview(people, _csv(*rows)).rows[0].action == "unchanged"


def test_semicolons_and_xlsx_date_cells(people, world):
    row = {"jobseeker_ref": "JS-1", "point": "follow_up", "status": "internship"}
    _apply(people, world.coordinator, _csv(row, delimiter=";"))
    xlsx = _xlsx(
        {**row, "status": "employed", "contract": "fixed_term", "date": dt.date(2026, 4, 2)}
    )
    _apply(people, world.coordinator, xlsx, filename="outcomes.xlsx")
    outcome = Outcome.objects.get(duo=people.amina_duo, point="follow_up")
    assert (outcome.status, outcome.date) == ("employed", dt.date(2026, 4, 2))


# --- errors: each names the line and the column; nothing is written ------------------------


def _where(line: int, column: str) -> str:
    return f"line {line} (the header is line 1), column {column}: "


@pytest.mark.parametrize(
    "row, message",
    [
        (
            {"jobseeker_ref": "JS-9", "point": "exit", "status": "employed"},
            _where(3, "jobseeker_ref")
            + "no mentee of this programme has the jobseeker reference 'JS-9'",
        ),
        (
            {"jobseeker_ref": "JS-4", "point": "exit", "status": "employed"},
            _where(3, "jobseeker_ref")
            + "no mentee of this programme has the jobseeker reference 'JS-4'",
        ),
        (
            {"jobseeker_ref": "JS-3", "point": "exit", "status": "employed"},
            _where(3, "jobseeker_ref")
            + "the mentee with the jobseeker reference 'JS-3' has no ended duo in this programme",
        ),
        (
            {"jobseeker_ref": "JS-2", "point": "exit", "status": "flying"},
            _where(3, "status") + "'flying' is not a status " + STATUSES,
        ),
        (
            {"jobseeker_ref": "JS-2", "point": "halfway", "status": "employed"},
            _where(3, "point") + "'halfway' is not an outcome point (valid: exit, follow_up)",
        ),
        (
            {"jobseeker_ref": "JS-2", "point": "exit", "status": "employed", "contract": "forever"},
            _where(3, "contract") + "'forever' is not a contract type " + CONTRACTS,
        ),
        (
            {
                "jobseeker_ref": "JS-2",
                "point": "exit",
                "status": "training",
                "contract": "permanent",
            },
            _where(3, "contract") + "a contract type goes only with the status 'employed'",
        ),
        (
            {"jobseeker_ref": "JS-2", "point": "exit", "status": "training", "date": "31/02/2026"},
            _where(3, "date") + "'31/02/2026' is not a date (use YYYY-MM-DD)",
        ),
        (
            {"jobseeker_ref": "JS-2", "point": "exit", "status": "training", "date": "2024-01-01"},
            _where(3, "date") + "2024-01-01 is before the duo started (2024-04-01)",
        ),
        (
            {"jobseeker_ref": "", "point": "exit", "status": "training"},
            _where(3, "jobseeker_ref") + "a value is required",
        ),
        (
            {"jobseeker_ref": "JS-1", "point": "exit", "status": "training"},
            _where(3, "jobseeker_ref") + "'JS-1' already has an outcome at exit on line 2",
        ),
    ],
)
def test_each_error_is_named_and_nothing_is_written(people, world, row, message):
    good = {"jobseeker_ref": "JS-1", "point": "exit", "status": "employed"}
    content = _csv(good, row)
    preview = _preview(people, content)
    assert preview.errors == [message]
    with pytest.raises(ImportRejected) as rejected:
        _apply(people, world.coordinator, content)
    assert rejected.value.errors == [message]
    assert not Outcome.objects.exists()  # the good row was not written either


def test_errors_come_in_file_order(people):
    rows = [
        {"jobseeker_ref": "JS-9", "point": "exit", "status": "employed"},
        {"jobseeker_ref": "JS-8", "point": "later", "status": "flying"},
    ]
    assert _preview(people, _csv(*rows)).errors == [
        _where(2, "jobseeker_ref")
        + "no mentee of this programme has the jobseeker reference 'JS-9'",
        _where(3, "jobseeker_ref")
        + "no mentee of this programme has the jobseeker reference 'JS-8'",
        _where(3, "point") + "'later' is not an outcome point (valid: exit, follow_up)",
        _where(3, "status") + "'flying' is not a status " + STATUSES,
    ]


def test_a_reference_shared_by_two_mentees_is_an_error(people, world):
    MenteeFactory(programme=people.programme, jobseeker_ref="JS-1")
    errors = _preview(people, _csv(ROWS[0])).errors
    assert errors == [
        _where(2, "jobseeker_ref") + "2 mentees of this programme have the jobseeker reference "
        "'JS-1': merge them or correct their references first"
    ]


def test_missing_columns_and_unreadable_files(people):
    preview = _preview(people, _csv({"jobseeker_ref": "JS-1"}, header=["jobseeker_ref", "x"]))
    assert preview.errors == [
        "outcomes.csv: required columns missing from the header (line 1): point, status."
    ]
    assert _preview(people, b"").errors == ["outcomes.csv is empty."]


def test_unknown_columns_are_ignored_with_a_warning(people):
    content = _csv({**ROWS[0], "name": "Amina"}, header=[*HEADER, "name"])
    preview = _preview(people, content)
    assert preview.ok and "ignored: name" in preview.warnings[0]


# --- the pages --------------------------------------------------------------------------


def _upload(client, world, content: bytes, name="outcomes.csv"):
    url = reverse("duos:outcome_import_upload", args=[world.programme.uuid])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def coordinator_client(client, world):
    client.force_login(world.coordinator)
    return client


def test_upload_preview_confirm(coordinator_client, world, people):
    page = coordinator_client.get(
        reverse("duos:outcome_import_upload", args=[world.programme.uuid])
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert 'enctype="multipart/form-data"' in body and '<label for="id_file">' in body
    assert reverse("duos:outcome_import_template", args=[world.programme.uuid]) in body

    response = _upload(coordinator_client, world, _csv(*ROWS))
    data_import = DataImport.objects.get()
    assert data_import.kind == ImportKind.OUTCOMES and data_import.uploaded_by == world.coordinator
    preview_url = reverse(
        "duos:outcome_import_preview", args=[world.programme.uuid, data_import.uuid]
    )
    assert response.status_code == 302 and response["Location"] == preview_url
    assert not Outcome.objects.exists()

    preview = coordinator_client.get(preview_url)
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "Confirm import" in body and "JS-1" in body and people.amina.first_name in body

    confirm_url = reverse(
        "duos:outcome_import_confirm", args=[world.programme.uuid, data_import.uuid]
    )
    done = coordinator_client.post(confirm_url, follow=True)
    assert "Import done: 3 outcomes recorded, 0 corrected, 0 unchanged." in done.content.decode()
    assert Outcome.objects.count() == 3
    data_import.refresh_from_db()
    assert data_import.applied_at is not None and data_import.summary["exit"]["created"] == 2

    again = coordinator_client.post(confirm_url, follow=True)
    assert "already imported; nothing changed" in again.content.decode()
    assert Outcome.objects.count() == 3


def test_an_erroneous_file_shows_its_errors_and_cannot_be_confirmed(
    coordinator_client, world, people
):
    _upload(
        coordinator_client,
        world,
        _csv({"jobseeker_ref": "JS-2", "point": "exit", "status": "flying"}),
    )
    data_import = DataImport.objects.get()
    args = [world.programme.uuid, data_import.uuid]
    body = coordinator_client.get(
        reverse("duos:outcome_import_preview", args=args)
    ).content.decode()
    assert (
        "line 2 (the header is line 1), column status: &#x27;flying&#x27; is not a status" in body
    )
    assert "Confirm import" not in body
    done = coordinator_client.post(reverse("duos:outcome_import_confirm", args=args), follow=True)
    assert "Nothing was imported" in done.content.decode()
    assert not Outcome.objects.exists()
    data_import.refresh_from_db()
    assert data_import.applied_at is None


def test_an_unreadable_upload_is_refused_on_the_form(coordinator_client, world):
    response = _upload(coordinator_client, world, b"%PDF-1.4 not a table", name="outcomes.xlsx")
    assert response.status_code == 400
    assert "is not an Excel (.xlsx) or CSV file" in response.content.decode()
    assert not DataImport.objects.exists()


def test_csv_template_imports_as_is_once_references_exist(coordinator_client, world, people):
    response = coordinator_client.get(
        reverse("duos:outcome_import_template", args=[world.programme.uuid])
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(HEADER)
    preview = _preview(people, response.content, filename="outcomes-template.csv")
    assert preview.errors and all("JS-123456" in e or "JS-654321" in e for e in preview.errors)
    xlsx = coordinator_client.get(
        reverse("duos:outcome_import_template_xlsx", args=[world.programme.uuid])
    )
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")


def test_overview_links_to_the_outcome_import(coordinator_client, world):
    body = coordinator_client.get(reverse("duos:programme", args=[world.programme.uuid]))
    assert (
        reverse("duos:outcome_import_upload", args=[world.programme.uuid]) in body.content.decode()
    )
    assert "Import outcomes (employment service)" in body.content.decode()


# --- who may ---------------------------------------------------------------------------


@pytest.fixture
def pending(world, people):
    return flow.upload_create(
        world.coordinator,
        outcome_import.IMPORTER,
        programme=world.programme,
        filename="o.csv",
        content=_csv(*ROWS),
    )


def _urls(world, data_import):
    args = [world.programme.uuid, data_import.uuid]
    return {
        "upload": reverse("duos:outcome_import_upload", args=[world.programme.uuid]),
        "template": reverse("duos:outcome_import_template", args=[world.programme.uuid]),
        "preview": reverse("duos:outcome_import_preview", args=args),
        "confirm": reverse("duos:outcome_import_confirm", args=args),
    }


@pytest.mark.parametrize(
    "who, status",
    [
        ("coordinator", 200),
        ("coach", 403),
        ("mentor_user", 403),
        ("funder", 403),
        ("evaluator", 403),
        ("outsider", 404),
    ],
)
def test_only_the_programme_s_coordinators(client, world, pending, who, status):
    client.force_login(getattr(world, who))
    urls = _urls(world, pending)
    for name in ("upload", "template", "preview"):
        assert client.get(urls[name]).status_code == status, name
    confirm = client.post(urls["confirm"])
    assert confirm.status_code == (302 if status == 200 else status)
    assert Outcome.objects.exists() == (status == 200)


def test_anonymous_is_sent_to_sign_in(client, world, pending):
    urls = _urls(world, pending)
    for response in (
        client.get(urls["upload"]),
        client.get(urls["preview"]),
        client.post(urls["confirm"]),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert not Outcome.objects.exists()


def test_other_imports_are_not_reachable_here(client, world, pending):
    """A participant import, or another programme's outcome import, under this
    programme's address: 404."""
    client.force_login(world.coordinator)
    participants = DataImport.objects.create(
        programme=world.programme, kind=ImportKind.PARTICIPANTS, filename="p.csv", content=b"x"
    )
    foreign = DataImport.objects.create(
        programme=world.other_programme, kind=ImportKind.OUTCOMES, filename="f.csv", content=b"x"
    )
    for data_import in (participants, foreign):
        url = reverse("duos:outcome_import_preview", args=[world.programme.uuid, data_import.uuid])
        assert client.get(url).status_code == 404
    # ...and the participant import's pages refuse an outcome import.
    assert client.get(reverse("duos:import_preview", args=[pending.uuid])).status_code == 403


def test_reimporting_leaves_a_correction_made_since(people, world):
    from duos.services import outcome_record

    _apply(people, world.coordinator, _csv(*ROWS))
    outcome_record(
        world.coordinator,
        duo=people.amina_duo,
        point="exit",
        status="employed",
        contract_type="fixed_term",
        source="coordinator",
        note="The employer called: a fixed-term contract.",
    )
    before = (LogEntry.objects.count(), list(Outcome.objects.values().order_by("pk")))
    summary = _apply(people, world.coordinator, _csv(*ROWS))
    assert summary["exit"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert (LogEntry.objects.count(), list(Outcome.objects.values().order_by("pk"))) == before
