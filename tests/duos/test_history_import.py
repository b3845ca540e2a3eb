"""import_duos and programme_rates together: the published figures from duo-level histories."""

import datetime as dt
import io
import json

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError

from duos.models import Duo, Outcome
from programmes.models import Programme
from tests.factories import ProgrammeFactory

HEADER = (
    "mentee_ref,mentor_ref,started_on,ended_on,end_reason,"
    "exit_status,exit_contract,follow_up_status,follow_up_contract"
)


def _team4job_csv() -> str:
    """171 started, 152 completed, 77 found work (69 employed, 25 permanent, 8 self-employed).
    40 mentors of capacity 1, whose duos never overlap (a mentor's duos are 40 apart)."""
    rows, n = [HEADER], 0

    def add(count, reason, exit_status="", contract="", follow_up=""):
        nonlocal n
        for _ in range(count):
            n += 1
            month, year = 1 + n % 12, 2019 + n // 120
            dates = f"{year}-{month:02d}-05,{year}-{month:02d}-25"
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
            rows.append(f"D{n:03d},DM{n:03d},{history},{status},")
    for _ in range(20):
        n += 1
        rows.append(f"D{n:03d},DM{n:03d},2018-02-01,2018-04-01,mentee_withdrew,,,,")
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
    body = client.get(preview).content.decode()
    assert "<td>H1</td><td>HM1</td><td>2021-03-01</td>" in body and "<td>new</td>" in body
    assert "Confirm import" in body
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


# --- re-importing after what was recorded since; capacity; all or nothing ----------------


def _answer_by_link(client, duo, status: str) -> None:
    """The mentee answers the follow-up question through the link in their e-mail."""
    from django.urls import reverse
    from django.utils import timezone

    from duos.models import FollowUpRequest
    from duos.services.follow_up import token_hash

    FollowUpRequest.objects.create(
        duo=duo,
        token_hash=token_hash("the-link-token"),
        email="mentee@demo.invalid",
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    url = reverse("duos:follow_up_answer", args=["the-link-token"])
    response = client.post(url, {"status": status})
    assert response.status_code in (200, 302), response.status_code


def _state(refs=("H1", "H2")):
    return {
        (o.duo.mentee.ref, o.point): (o.status, o.contract_type, o.date, o.source)
        for o in Outcome.objects.filter(duo__mentee__ref__in=refs).select_related("duo__mentee")
    }


def test_reimporting_keeps_the_mentee_s_answer_and_the_coordinator_s_correction(
    client, world, tmp_path
):
    from duos.services import outcome_record

    slug = world.programme.slug
    text = (
        f"{HEADER}\n"
        "H1,HM1,2024-01-08,2024-07-01,completed,employed,permanent,,\n"
        "H2,HM2,2024-02-05,2024-08-05,completed,still_searching,,training,\n"
    )
    _import(tmp_path, "h.csv", text, "--programme", slug)
    h1 = Duo.objects.get(mentee__ref="H1")
    h2 = Duo.objects.get(mentee__ref="H2")
    assert not h1.outcomes.filter(point="follow_up").exists()  # blank: nothing recorded

    _answer_by_link(client, h1, "training")  # fills the empty follow-up outcome
    outcome_record(
        world.coordinator, duo=h1, point="exit", status="self_employed", source="coordinator"
    )
    outcome_record(
        world.coordinator, duo=h2, point="follow_up", status="employed", source="coordinator"
    )
    before, entries = _state(), LogEntry.objects.count()
    assert before[("H1", "follow_up")][::3] == ("training", "mentee")
    assert before[("H1", "exit")][0] == "self_employed"

    out, _err = _import(tmp_path, "h.csv", text, "--programme", slug)
    assert "0 duos created, 0 updated, 2 unchanged; 0 outcomes written" in out
    assert _state() == before and LogEntry.objects.count() == entries

    # A cell that changed in the file is news: it is applied, and only it.
    changed = text.replace(
        "H2,HM2,2024-02-05,2024-08-05,completed,still_searching,,training,",
        "H2,HM2,2024-02-05,2024-08-05,completed,internship,,training,",
    )
    out, _err = _import(tmp_path, "h2.csv", changed, "--programme", slug)
    assert "1 outcomes written" in out
    after = _state()
    assert after[("H2", "exit")][0] == "internship"
    assert after[("H2", "follow_up")][0] == "employed"  # the coordinator's, kept
    assert after[("H1", "exit")] == before[("H1", "exit")]


def test_a_blank_cell_never_erases(db, tmp_path):
    full = f"{HEADER}\nA,B,2019-01-07,2019-07-01,completed,employed,fixed_term,employed,permanent\n"
    _import(tmp_path, "a.csv", full, "--programme", "t", "--create", "T")
    outcomes = sorted(Outcome.objects.values_list("point", "status", "contract_type"))
    blank = f"{HEADER}\nA,B,2019-01-07,2019-07-01,completed,,,,\n"
    out, _err = _import(tmp_path, "b.csv", blank, "--programme", "t")
    assert "0 outcomes written" in out
    assert sorted(Outcome.objects.values_list("point", "status", "contract_type")) == outcomes
    # A blank contract keeps the recorded one while the status stays employed.
    status_only = f"{HEADER}\nA,B,2019-01-07,2019-07-01,completed,employed,,,\n"
    _import(tmp_path, "c.csv", status_only, "--programme", "t")
    assert Outcome.objects.get(point="exit").contract_type == "fixed_term"


def test_a_changed_row_updates_the_duo_through_the_services(db, tmp_path):
    _import(
        tmp_path, "a.csv", f"{HEADER}\nA,B,2024-01-08,,,,,,\n", "--programme", "t", "--create", "T"
    )
    duo = Duo.objects.get()
    assert duo.status == "active" and LogEntry.objects.get_for_object(duo).exists()
    ended = f"{HEADER}\nA,C,2024-01-08,2024-06-28,goal_reached,employed,permanent,,\n"
    out, _err = _import(tmp_path, "b.csv", ended, "--programme", "t")
    assert "0 duos created, 1 updated, 0 unchanged; 1 outcomes written" in out
    duo.refresh_from_db()
    assert (duo.status, duo.ended_on, duo.end_reason) == (
        "ended",
        dt.date(2024, 6, 28),
        "goal_reached",
    )
    assert duo.mentor.ref == "C" and duo.mentee.status == "done"
    assert duo.outcomes.get(point="exit").date == dt.date(2024, 6, 28)
    assert LogEntry.objects.get_for_object(duo).count() == 2  # created, then corrected


def _refused(tmp_path, text, *args) -> str:
    err = io.StringIO()
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_duos", str(path), *args, stderr=err)
    return err.getvalue()


def test_a_duo_beyond_the_mentor_s_capacity_is_refused_naming_the_line(db, tmp_path):
    text = (
        f"{HEADER}\n"
        "A,M,2020-01-06,2020-07-06,completed,,,,\n"
        "B,M,2020-07-06,,,,,,\n"  # the day A ended: a handover, no overlap
        "C,M,2020-03-02,2020-04-01,mismatch,,,,\n"  # while A ran
    )
    err = _refused(tmp_path, text, "--programme", "t", "--create", "T")
    assert (
        "line 4 (the header is line 1), column mentor_ref: M would run 2 duos at once "
        "from 2020-03-02, beyond their capacity of 1" in err
    )
    assert not Duo.objects.exists()
    # With the mentor's capacity imported first, the same file goes in.
    from duos.imports import flow, participants

    programme = ProgrammeFactory(slug="t")
    mentor = b"ref,kind,first_name,capacity\nM,mentor,M,2\n"
    flow.import_apply(
        None, participants.IMPORTER, programme=programme, content=mentor, filename="m.csv"
    )
    out, _err = _import(tmp_path, "ok.csv", text, "--programme", "t")
    assert "3 duos created" in out


def test_a_duo_beside_a_recorded_one_counts_it(db, tmp_path):
    _import(
        tmp_path, "a.csv", f"{HEADER}\nA,M,2024-01-08,,,,,,\n", "--programme", "t", "--create", "T"
    )
    err = _refused(
        tmp_path, f"{HEADER}\nB,M,2024-03-04,2024-05-06,mismatch,,,,\n", "--programme", "t"
    )
    assert "line 2 (the header is line 1), column mentor_ref: M would run 2 duos at once" in err
    assert Duo.objects.count() == 1


def test_the_command_exits_non_zero_and_writes_nothing(db, tmp_path):
    good = "".join(f"G{n},GM{n},2019-01-07,2019-07-01,completed,employed,,,\n" for n in range(5))
    path = tmp_path / "bad.csv"
    path.write_text(f"{HEADER}\n{good}X,XM,2019-01-07,2019-07-01,completed,flying,,,\n")
    with pytest.raises(CommandError) as refused:
        call_command("import_duos", str(path), "--programme", "t", "--create", "T")
    # manage.py exits with this status (BaseCommand.run_from_argv: sys.exit(returncode)).
    assert refused.value.returncode == 1
    assert not Duo.objects.exists() and not Programme.objects.filter(slug="t").exists()


@pytest.mark.parametrize("name", ["duos:history_template", "duos:history_template_xlsx"])
def test_the_templates_import_as_they_are(client, world, name):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(world.coordinator)
    template = client.get(reverse(name, args=[world.programme.uuid]))
    assert template.status_code == 200
    filename = "duos-template.xlsx" if name.endswith("xlsx") else "duos-template.csv"
    upload = SimpleUploadedFile(filename, template.content)
    response = client.post(
        reverse("duos:history_upload", args=[world.programme.uuid]), {"file": upload}
    )
    body = client.get(response["Location"]).content.decode()
    assert "Confirm import" in body and "ME-0002" in body
