"""import_duos and programme_rates together: the published figures from duo-level histories."""

import io
import json

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError

from duos.models import Duo, Outcome

HEADER = (
    "mentee_ref,mentor_ref,started_on,ended_on,end_reason,"
    "exit_status,exit_contract,follow_up_status,follow_up_contract"
)


def _team4job_csv() -> str:
    """171 started, 152 completed, 77 found work (69 employed, 25 permanent, 8 self-employed)."""
    rows, n = [HEADER], 0

    def add(count, reason, exit_status="", contract="", follow_up=""):
        nonlocal n
        for _ in range(count):
            n += 1
            month = 1 + n % 12
            dates = f"2019-{month:02d}-05,2019-{month:02d}-25"
            outcome = f"{exit_status},{contract},{follow_up},"
            rows.append(f"T{n:03d},M{n % 40:02d},{dates},{reason},{outcome}")

    add(25, "completed", "employed", "permanent")
    add(44, "goal_reached", "employed", "fixed_term")
    add(8, "completed", "self_employed")
    add(18, "completed", "training")
    add(7, "completed", "studies")
    add(12, "completed", "internship")
    add(33, "completed", "still_searching")
    add(5, "completed")  # not reachable: unknown
    add(19, "mentee_withdrew", "still_searching")
    return "\n".join(rows) + "\n"


def _duo_for_a_job_csv() -> str:
    rows, n = [HEADER], 0
    plan = [
        (50, "employed"),
        (5, "self_employed"),
        (12, "training"),
        (7, "internship"),
        (25, "still_searching"),
        (1, "inactive"),
    ]
    for count, status in plan:
        for _ in range(count):
            n += 1
            history = "2018-02-01,2018-08-01,completed,still_searching,"
            rows.append(f"D{n:03d},DM{n % 30:02d},{history},{status},")
    for _ in range(20):
        n += 1
        rows.append(f"D{n:03d},DM{n % 30:02d},2018-02-01,2018-04-01,mentee_withdrew,,,,")
    return "\n".join(rows) + "\n"


def _import(tmp_path, name, text, *args):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_duos", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _rates(slug):
    out = io.StringIO()
    call_command("programme_rates", "--json", "--programme", slug, stdout=out)
    return json.loads(out.getvalue())


def _row(rows, point, denominator):
    return next(
        r for r in rows if (r["cohort"], r["point"], r["denominator"]) == (None, point, denominator)
    )


def test_published_figures_from_imported_histories(db, tmp_path):
    _import(tmp_path, "t4j.csv", _team4job_csv(), "--programme", "team4job", "--create", "Team4Job")
    rows = _rates("team4job")
    completed, started = _row(rows, "exit", "completed"), _row(rows, "exit", "started")
    employed = completed["counts"]["employed"] + completed["counts"]["self_employed"]
    assert (employed, completed["n"], started["n"]) == (77, 152, 171)
    assert round(completed["rates"]["employed"] * 100, 1) == 50.7  # 50.66 %
    assert round(started["rates"]["employed"] * 100, 1) == 45.0  # 45.03 %

    _import(
        tmp_path,
        "dfaj.csv",
        _duo_for_a_job_csv(),
        "--programme",
        "duo-for-a-job",
        "--create",
        "DUO for a JOB",
    )
    follow_up = _row(_rates("duo-for-a-job"), "follow_up", "completed")
    rates = follow_up["rates"]
    assert round(rates["employed"] * 100, 1) == 55.0
    assert round((rates["training"] + rates["internship"]) * 100, 1) == 19.0
    assert round(rates["positive"] * 100, 1) == 74.0


def test_reimporting_changes_nothing_and_a_change_updates(db, tmp_path):
    text = _team4job_csv()
    _import(tmp_path, "a.csv", text, "--programme", "t", "--create", "T")
    before = (Duo.objects.count(), Outcome.objects.count(), LogEntry.objects.count())
    updated_at = sorted(Duo.objects.values_list("updated_at", flat=True))
    out, _err = _import(tmp_path, "a.csv", text, "--programme", "t")
    assert "0 duos created, 0 updated, 171 unchanged; 0 outcomes written" in out
    assert (Duo.objects.count(), Outcome.objects.count(), LogEntry.objects.count()) == before
    assert sorted(Duo.objects.values_list("updated_at", flat=True)) == updated_at
    changed = text.replace(
        "T001,M01,2019-02-05,2019-02-25,completed,employed,permanent",
        "T001,M01,2019-02-05,2019-02-25,completed,training,",
    )
    out, _err = _import(tmp_path, "b.csv", changed, "--programme", "t")
    assert "1 outcomes written" in out
    assert Outcome.objects.get(duo__mentee__ref="T001", point="exit").status == "training"


def test_a_bad_row_refuses_the_whole_file_naming_the_line(db, tmp_path):
    lines = _team4job_csv().splitlines()
    lines[6] = lines[6].replace("employed", "flying", 1)
    with pytest.raises(CommandError):
        _import(tmp_path, "bad.csv", "\n".join(lines), "--programme", "t", "--create", "T")
    assert not Duo.objects.exists()
    err = io.StringIO()
    path = tmp_path / "bad.csv"
    with pytest.raises(CommandError):
        call_command("import_duos", str(path), "--programme", "t", "--create", "T", stderr=err)
    assert (
        "line 7 (the header is line 1), column exit_status: 'flying' is not a status"
        in err.getvalue()
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("A,B,2019-13-01,,,,,,", "column started_on: '2019-13-01' is not a date (use YYYY-MM-DD)"),
        ("A,B,2019-01-01,2019-06-01,,,,,", "column end_reason: an ended duo needs an end reason"),
        ("A,B,2019-01-01,2019-06-01,done,,,,", "column end_reason: 'done' is not an end reason"),
        (
            "A,B,2019-01-01,,,employed,,,",
            "column exit_status: outcomes are recorded for an ended duo only",
        ),
        (
            "A,B,2019-01-01,2019-06-01,completed,training,permanent,,",
            "column exit_contract: a contract type goes only with the status 'employed'",
        ),
        (
            "A,B,2019-06-01,2019-01-01,completed,,,,",
            "column ended_on: 2019-01-01 is before the duo started",
        ),
        (",B,2019-01-01,,,,,,", "column mentee_ref: a value is required"),
    ],
)
def test_each_error_names_line_and_column(db, tmp_path, row, message):
    with pytest.raises(CommandError):
        _import(tmp_path, "x.csv", f"{HEADER}\n{row}\n", "--programme", "t", "--create", "T")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_duos", str(tmp_path / "x.csv"), "--programme", "t", "--create", "T", stderr=err
        )
    assert f"line 2 (the header is line 1), {message}" in err.getvalue()
    assert not Duo.objects.exists()


def test_semicolons_bom_and_an_active_duo(db, tmp_path):
    text = "\ufeff" + HEADER.replace(",", ";") + "\nA;B;2024-01-01;;;;;;\n"
    _import(tmp_path, "s.csv", text, "--programme", "t", "--create", "T")
    duo = Duo.objects.get()
    assert duo.status == "active" and duo.mentee.status == "in_duo" and not duo.outcomes.exists()


def test_unknown_programme_without_create_and_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="--create"):
        _import(tmp_path, "a.csv", f"{HEADER}\nA,B,2019-01-01,,,,,,\n", "--programme", "nope")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_duos", str(tmp_path / "missing.csv"), "--programme", "nope")


def test_missing_columns_are_named(db, tmp_path):
    err = io.StringIO()
    (tmp_path / "m.csv").write_text("mentee_ref,started_on\nA,2019-01-01\n")
    with pytest.raises(CommandError):
        call_command(
            "import_duos", str(tmp_path / "m.csv"), "--programme", "t", "--create", "T", stderr=err
        )
    assert "required columns missing from the header (line 1): mentor_ref" in err.getvalue()


def test_browser_upload_preview_confirm_and_access(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("duos:history_upload", args=[world.programme.uuid])
    for who, status in (("coach", 403), ("funder", 403), ("outsider", 404)):
        client.force_login(getattr(world, who))
        assert client.get(url).status_code == status
    client.force_login(world.coordinator)
    assert (
        client.get(reverse("duos:history_template", args=[world.programme.uuid])).status_code == 200
    )
    text = f"{HEADER}\nH1,HM1,2021-03-01,2021-09-01,completed,employed,permanent,,\n"
    response = client.post(url, {"file": SimpleUploadedFile("h.csv", text.encode())})
    preview = response["Location"]
    assert "1 duos: 1 new" in client.get(preview).content.decode()
    assert not Duo.objects.filter(mentee__ref="H1").exists()  # nothing before the confirmation
    client.post(preview + "confirm/")
    assert Duo.objects.get(mentee__ref="H1").outcomes.get(point="exit").contract_type == "permanent"
    bad = f"{HEADER}\nH2,HM1,2021-03-01,2021-09-01,completed,flying,,,\n"
    response = client.post(url, {"file": SimpleUploadedFile("b.csv", bad.encode())})
    body = client.get(response["Location"]).content.decode()
    assert (
        "line 2 (the header is line 1), column exit_status: &#x27;flying&#x27; is not a status"
        in body
    )
    assert "Confirm import" not in body
    client.force_login(world.outsider)
    assert client.get(response["Location"]).status_code == 404
