"""The participant import pages: upload → preview → confirm, the templates,
and who may use them (coordinators only; outsiders 404, other members 403)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from duos.models import DataImport, Mentee, Mentor
from tests.duos.test_imports import MENTEE, MENTOR, _csv
from tests.factories import MenteeFactory


def _upload(client, world, content: bytes, name="people.csv"):
    url = reverse("duos:import_upload", args=[world.programme.uuid])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def _people():
    return Mentee.objects.count(), Mentor.objects.count()


@pytest.fixture
def coordinator_client(client, world):
    client.force_login(world.coordinator)
    return client


def _upload_and_confirm(client, world, content: bytes):
    response = _upload(client, world, content)
    assert response.status_code == 302
    data_import = DataImport.objects.latest("created_at")
    assert response["Location"] == reverse("duos:import_preview", args=[data_import.uuid])
    return client.post(reverse("duos:import_confirm", args=[data_import.uuid]), follow=True)


# --- the happy path --------------------------------------------------------------------


def test_upload_page(coordinator_client, world):
    response = coordinator_client.get(reverse("duos:import_upload", args=[world.programme.uuid]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert '<label for="id_file">' in body
    assert reverse("duos:import_template_csv", args=[world.programme.uuid]) in body
    assert reverse("duos:import_template_xlsx", args=[world.programme.uuid]) in body


def test_upload_preview_confirm(coordinator_client, world):
    before = _people()
    response = _upload(coordinator_client, world, _csv(MENTEE, MENTOR))
    data_import = DataImport.objects.get()
    assert data_import.uploaded_by == world.coordinator
    assert data_import.programme == world.programme and data_import.filename == "people.csv"
    assert _people() == before  # nothing written before the confirmation

    preview = coordinator_client.get(response["Location"])
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "Confirm import" in body and "ME-1" in body and "Amina Benali" in body
    assert reverse("duos:import_confirm", args=[data_import.uuid]) in body

    done = coordinator_client.post(reverse("duos:import_confirm", args=[data_import.uuid]))
    assert done.status_code == 302
    assert _people() == (before[0] + 1, before[1] + 1)
    data_import.refresh_from_db()
    assert data_import.applied_at is not None
    assert data_import.summary["mentee"]["created"] == 1
    page = coordinator_client.get(done["Location"]).content.decode()
    assert "Import done: 2 created, 0 updated, 0 unchanged." in page
    assert "Confirm import" not in page

    again = coordinator_client.post(
        reverse("duos:import_confirm", args=[data_import.uuid]), follow=True
    )
    assert "already imported; nothing changed" in again.content.decode()
    assert _people() == (before[0] + 1, before[1] + 1)


def test_reimporting_the_same_file_changes_nothing(coordinator_client, world):
    content = _csv(MENTEE, MENTOR)
    _upload_and_confirm(coordinator_client, world, content)
    mentee = Mentee.objects.get(ref="ME-1")
    people = _people()
    response = _upload_and_confirm(coordinator_client, world, content)
    assert "Import done: 0 created, 0 updated, 2 unchanged." in response.content.decode()
    assert _people() == people
    assert Mentee.objects.get(ref="ME-1").updated_at == mentee.updated_at


def test_a_changed_row_updates(coordinator_client, world):
    _upload_and_confirm(coordinator_client, world, _csv(MENTEE, MENTOR))
    changed = {**MENTEE, "phone": "0499 00 00 00"}
    _upload(coordinator_client, world, _csv(changed, MENTOR))
    data_import = DataImport.objects.latest("created_at")
    preview = coordinator_client.get(reverse("duos:import_preview", args=[data_import.uuid]))
    assert "phone" in preview.content.decode()
    coordinator_client.post(reverse("duos:import_confirm", args=[data_import.uuid]))
    assert Mentee.objects.get(ref="ME-1").phone == "0499 00 00 00"
    assert Mentee.objects.filter(ref="ME-1").count() == 1


# --- malformed files ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "report.xlsx", "report.xlsx is not an Excel (.xlsx)"),
        (b"", "empty.csv", "empty.csv is empty."),
        (b"ref,kind,first_name\n", "header.csv", "header.csv has column names (line 1) but no"),
        (b"x" * (50 * 1024 * 1024), "huge.csv", "huge.csv is 50.0 MB; files up to 5 MB"),
    ],
)
def test_unreadable_uploads_are_refused_on_the_form(
    coordinator_client, world, content, name, message
):
    before = _people()
    response = _upload(coordinator_client, world, content, name=name)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'aria-invalid="true"' in body  # the error is tied to the file field
    assert DataImport.objects.count() == 0 and _people() == before


def test_no_file_is_a_form_error(coordinator_client, world):
    url = reverse("duos:import_upload", args=[world.programme.uuid])
    assert coordinator_client.post(url, {}).status_code == 400


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            _csv(MENTEE, {**MENTOR, "birth_date": "31/02/1990"}),
            "line 3 (the header is line 1), column birth_date: "
            "&#x27;31/02/1990&#x27; is not a date (use YYYY-MM-DD)",
        ),
        (
            _csv(MENTEE, {**MENTOR, "capacity": "lots"}),
            "line 3 (the header is line 1), column capacity: &#x27;lots&#x27; is not a whole",
        ),
        (
            _csv(MENTEE, {**MENTOR, "gender": "x"}),
            "line 3 (the header is line 1), column gender: &#x27;x&#x27; is not a gender",
        ),
        (
            _csv({"ref": "A"}, header=["ref", "email"]),
            "required columns missing from the header (line 1): kind, first_name.",
        ),
    ],
)
def test_row_errors_show_on_the_preview_and_block_the_import(
    coordinator_client, world, content, message
):
    before = _people()
    response = _upload(coordinator_client, world, content)
    assert response.status_code == 302
    preview = coordinator_client.get(response["Location"])
    body = preview.content.decode()
    assert message in body
    assert "Confirm import" not in body
    data_import = DataImport.objects.get()
    forced = coordinator_client.post(
        reverse("duos:import_confirm", args=[data_import.uuid]), follow=True
    )
    assert "Nothing was imported" in forced.content.decode()
    data_import.refresh_from_db()
    assert data_import.applied_at is None and _people() == before


def test_semicolon_csv_with_bom_imports(coordinator_client, world):
    before = _people()
    _upload_and_confirm(coordinator_client, world, _csv(MENTEE, MENTOR, delimiter=";", bom=True))
    assert _people() == (before[0] + 1, before[1] + 1)
    assert Mentee.objects.get(ref="ME-1").languages == ["fr", "ar"]


def test_one_bad_row_among_good_ones(coordinator_client, world):
    rows = [{**MENTEE, "ref": f"ME-{n}"} for n in range(1, 8)]
    rows[4] = {**rows[4], "postcode": "999"}
    before = _people()
    response = _upload_and_confirm(coordinator_client, world, _csv(*rows))
    body = response.content.decode()
    assert "line 6 (the header is line 1), column postcode" in body
    assert _people() == before


# --- templates -----------------------------------------------------------------------


def test_csv_template(coordinator_client, world):
    url = reverse("duos:import_template_csv", args=[world.programme.uuid])
    response = coordinator_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["ref", "kind", "first_name"] and len(rows) == 3
    assert {rows[1][1], rows[2][1]} == {"mentee", "mentor"}
    assert all(row[4].endswith("@demo.invalid") for row in rows[1:])


def test_xlsx_template_can_be_uploaded_as_is(coordinator_client, world):
    url = reverse("duos:import_template_xlsx", args=[world.programme.uuid])
    response = coordinator_client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]][:2] == ["ref", "kind"]
    assert sheet.max_row == 3
    before = _people()
    upload = _upload(coordinator_client, world, response.content, name="template.xlsx")
    assert upload.status_code == 302
    coordinator_client.post(reverse("duos:import_confirm", args=[DataImport.objects.get().uuid]))
    assert _people() == (before[0] + 1, before[1] + 1)


# --- access -------------------------------------------------------------------------


def _urls(world, data_import):
    programme = world.programme.uuid
    return [
        ("get", reverse("duos:import_upload", args=[programme])),
        ("post", reverse("duos:import_upload", args=[programme])),
        ("get", reverse("duos:import_template_csv", args=[programme])),
        ("get", reverse("duos:import_template_xlsx", args=[programme])),
        ("get", reverse("duos:import_preview", args=[data_import.uuid])),
        ("post", reverse("duos:import_confirm", args=[data_import.uuid])),
    ]


@pytest.fixture
def pending_import(world):
    return DataImport.objects.create(
        programme=world.programme,
        kind="participants",
        filename="people.csv",
        content=_csv(MENTEE),
        uploaded_by=world.coordinator,
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coach", 403),
        ("funder", 403),
        ("evaluator", 403),
        ("mentor_user", 403),
        ("outsider", 404),
    ],
)
def test_only_the_programmes_coordinators(client, world, pending_import, who, status):
    client.force_login(getattr(world, who))
    for method, url in _urls(world, pending_import):
        response = getattr(client, method)(url)
        assert response.status_code == status, (method, url)
    pending_import.refresh_from_db()
    assert pending_import.applied_at is None
    assert not Mentee.objects.filter(ref="ME-1").exists()


def test_anonymous_is_sent_to_sign_in(client, world, pending_import):
    for method, url in _urls(world, pending_import):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_another_programmes_import_is_404(client, world):
    foreign = DataImport.objects.create(
        programme=world.other_programme,
        kind="participants",
        filename="theirs.csv",
        content=_csv(MENTEE),
    )
    client.force_login(world.coordinator)
    assert client.get(reverse("duos:import_preview", args=[foreign.uuid])).status_code == 404
    response = client.post(reverse("duos:import_confirm", args=[foreign.uuid]))
    assert response.status_code == 404
    url = reverse("duos:import_upload", args=[world.other_programme.uuid])
    assert client.get(url).status_code == 404


def test_a_foreign_record_with_the_same_ref_is_untouched(coordinator_client, world):
    theirs = MenteeFactory(programme=world.other_programme, ref="ME-1", first_name="Theirs")
    _upload_and_confirm(coordinator_client, world, _csv(MENTEE))
    theirs.refresh_from_db()
    assert theirs.first_name == "Theirs"
    assert Mentee.objects.get(programme=world.programme, ref="ME-1").first_name == "Amina"
