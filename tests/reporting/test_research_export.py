"""The evaluator's pseudonymised export: access, content, k-anonymity, codebook,
stability, privacy."""

import csv
import datetime as dt
import io
import random
import re
import zipfile
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from duos.models import CheckIn, Concern, Duo, Meeting, Mentee, Mentor, Outcome
from programmes.models import AccessRecord, Programme
from reporting.research_export import (
    HEADER,
    LEVELS,
    OUTCOME_COLUMNS,
    anonymise,
    build_export,
    codebook,
    export_response,
    pseudonymised_rows,
    research_id,
    research_rows,
)
from tests.factories import DuoFactory, MeetingFactory, OutcomeFactory, ProgrammeFactory

K = 5
# The quasi-identifiers, by the columns that carry them (DESIGN.md "Who sees what").
QUASI_IDENTIFIERS = {
    "age_band_at_entry": ["age_band_at_entry"],
    "gender": ["gender"],
    "education_level": ["education_level"],
    "place": ["region", "province"],
    "start_period": ["cohort", "started_period"],
}
PERIODS = ["started_period", "planned_end_period", "ended_period"]
PERIOD_PATTERNS = {"month": r"\d{4}-\d{2}", "quarter": r"\d{4}-Q[1-4]", "year": r"\d{4}"}


def _csv(content: bytes):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _zip(response) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _download(client, programme, fmt="csv"):
    return client.get(reverse("reporting:research_export", args=[programme.uuid]), {"format": fmt})


# --- independent checks -------------------------------------------------------------------


def _as_dicts(header, rows):
    return [dict(zip(header, (str(v) for v in row), strict=True)) for row in rows]


def _smallest_combinations(rows: list[dict], columns: list[str]) -> tuple[int, int]:
    """The fewest rows and the fewest trajectories any combination holds."""
    by_rows: Counter = Counter()
    people = defaultdict(set)
    for row in rows:
        key = tuple(row[c] for c in columns)
        by_rows[key] += 1
        people[key].add(row["research_id"])
    return min(by_rows.values()), min(len(ids) for ids in people.values())


def _coarsen(row: dict, place: str, period: str) -> dict:
    row = dict(row)
    if place == "region":
        row["province"] = ""
    for column in PERIODS:
        if row[column] and period != "month":
            year, month = row[column].split("-")
            row[column] = year if period == "year" else f"{year}-Q{(int(month) + 2) // 3}"
    return row


def _blank(row: dict, qi: str) -> bool:
    return all(row[c] == "" for c in QUASI_IDENTIFIERS[qi])


def check_export(programme) -> dict:
    """k-anonymity, the method as applied, outcomes intact; returns the method."""
    pseudonymised = pseudonymised_rows(programme=programme)
    fine = _as_dicts(HEADER, [[r[c] for c in HEADER] for r in pseudonymised])
    anonymous, method = anonymise(pseudonymised)
    shipped = _as_dicts(HEADER, [[r[c] for c in HEADER] for r in anonymous])
    all_qi_columns = [c for columns in QUASI_IDENTIFIERS.values() for c in columns]

    # Every combination of the quasi-identifiers holds at least K rows and K
    # trajectories, with the cohort or without it (coarser).
    assert len(shipped) == len(fine) > 0
    for columns in (all_qi_columns, [c for c in all_qi_columns if c != "cohort"]):
        fewest_rows, fewest_people = _smallest_combinations(shipped, columns)
        assert fewest_rows >= K and fewest_people >= K

    # The levels tried, recounted: the first level with no small combination, else the last.
    tried = []
    for place, period in LEVELS:
        coarse = [_coarsen(row, place, period) for row in fine]
        people = defaultdict(set)
        for row in coarse:
            people[tuple(row[c] for c in all_qi_columns)].add(row["research_id"])
        small = {
            row["research_id"]
            for row in coarse
            if len(people[tuple(row[c] for c in all_qi_columns)]) < K
        }
        tried.append((place, period, len(small)))
        if not small:
            break
    assert method.tried == tried
    assert (method.place_level, method.period_level) == tried[-1][:2]
    assert method.k == K and method.rows == len(shipped)
    assert method.trajectories == len({row["research_id"] for row in fine})

    # One level for the whole file.
    if method.place_level == "region":
        assert {row["province"] for row in shipped} == {""}
    pattern = PERIOD_PATTERNS[method.period_level]
    for row in shipped:
        for column in PERIODS:
            assert row[column] == "" or re.fullmatch(pattern, row[column]), row[column]

    # Values are only ever blanked, never changed, and the counts are the method's.
    coarse = [_coarsen(row, method.place_level, method.period_level) for row in fine]
    blanked = Counter()
    for before, after in zip(coarse, shipped, strict=True):
        assert after["research_id"] == before["research_id"]
        for column in HEADER:
            assert after[column] in (before[column], ""), column
        for qi in QUASI_IDENTIFIERS:
            if _blank(after, qi) and not _blank(before, qi):
                blanked[qi] += 1
                if qi == "start_period":
                    assert after["planned_end_period"] == after["ended_period"] == ""
    assert {qi: blanked[qi] for qi in QUASI_IDENTIFIERS} == method.blanked
    assert method.rows_blanked == sum(
        any(_blank(a, qi) and not _blank(b, qi) for qi in QUASI_IDENTIFIERS)
        for b, a in zip(coarse, shipped, strict=True)
    )

    # Outcome columns intact: row by row, and the counts by status equal the database's.
    for before, after in zip(fine, shipped, strict=True):
        assert [after[c] for c in OUTCOME_COLUMNS] == [before[c] for c in OUTCOME_COLUMNS]
    started = Duo.objects.filter(programme=programme, started_on__isnull=False)
    assert Counter(row["status"] for row in shipped) == Counter(
        started.values_list("status", flat=True)
    )
    for point in ("exit", "follow_up"):
        recorded = Counter(
            Outcome.objects.filter(duo__in=started, point=point).values_list("status", flat=True)
        )
        exported = Counter(row[f"{point}_status"] for row in shipped)
        assert exported == recorded + Counter({"": len(shipped) - sum(recorded.values())}), point
    return method


# --- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("evaluator", 200),
        ("coordinator", 200),
        ("funder", 403),
        ("coach", 403),
        ("mentor_user", 403),
        ("outsider", 404),
    ],
)
def test_access(client, world, who, status):
    client.force_login(getattr(world, who))
    response = client.get(reverse("reporting:research_export", args=[world.programme.uuid]))
    assert response.status_code == status


def test_evaluator_of_another_programme_gets_404(client, world):
    client.force_login(world.evaluator)
    url = reverse("reporting:research_export", args=[world.other_programme.uuid])
    assert client.get(url).status_code == 404


def test_anonymous_goes_to_sign_in(client, world):
    response = client.get(reverse("reporting:research_export", args=[world.programme.uuid]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- content and files -----------------------------------------------------------------------


def test_pseudonymised_rows_have_months_bands_and_provinces(world):
    ended = DuoFactory(programme=world.programme, ended=True)
    OutcomeFactory(
        duo=ended, point="exit", status="employed", contract_type="permanent", date=ended.ended_on
    )
    MeetingFactory(duo=world.duo)
    rows = pseudonymised_rows(programme=world.programme)
    row = next(r for r in rows if r["status"] == "ended")
    assert re.fullmatch(r"[0-9a-f]{16}", row["research_id"])
    assert re.fullmatch(r"\d{4}-\d{2}", row["started_period"])
    assert (row["exit_status"], row["exit_contract"]) == ("employed", "permanent")
    assert (row["province"], row["region"]) == ("brussels", "brussels")  # 1080 in the factories
    assert row["age_band_at_entry"] in {"under_25", "25_54", "over_54"}
    mine = next(
        r
        for r in rows
        if r["research_id"] == research_id("mentee", world.programme.pk, world.duo.mentee_id)
    )
    assert mine["meetings"] == 1


def test_the_zip_holds_data_codebook_method_and_readme_and_is_logged(client, world):
    # 5 active and 5 ended trajectories alike: province and month already hold k.
    for _ in range(3):
        DuoFactory(programme=world.programme)
    ended = [DuoFactory(programme=world.programme, ended=True) for _ in range(5)]
    OutcomeFactory(duo=ended[0], status="employed", contract_type="permanent")
    client.force_login(world.evaluator)
    response = _download(client, world.programme)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith('-research.zip"')
    files = _zip(response)
    assert set(files) == {"data.csv", "codebook.csv", "method.csv", "README.txt"}

    data = _csv(files["data.csv"])
    assert data[0] == HEADER and len(data) == 11
    rows = _as_dicts(data[0], data[1:])
    # In the order of the research ids, which tells nothing about the dates.
    order = [(r["research_id"], int(r["duo_number"])) for r in rows]
    assert order == sorted(order)
    assert {r["province"] for r in rows} == {"brussels"}
    assert all(re.fullmatch(r"\d{4}-\d{2}", r["started_period"]) for r in rows)
    assert Counter(r["exit_status"] for r in rows) == {"employed": 1, "": 9}

    method = {row[0]: row[1] for row in _csv(files["method.csv"])[1:]}
    assert method["k"] == "5" and method["rows"] == "10" and method["trajectories"] == "10"
    assert (method["place_level"], method["period_level"]) == ("province", "month")
    assert method["rows_blanked"] == "0"
    assert "place: 0" in files["README.txt"].decode() and "province" in files["README.txt"].decode()

    book = _csv(files["codebook.csv"])
    assert book[0] == ["column", "code", "label", "definition"]
    described = {row[0] for row in book[1:] if not row[1]}
    assert set(HEADER) <= described
    codes = {(row[0], row[1]): row[2] for row in book[1:] if row[1]}
    assert codes[("exit_status", "employed")] == "Employed"
    assert codes[("end_reason", "goal_reached")].startswith("Goal reached")
    assert codes[("age_band_at_entry", "under_25")] == "Under 25"
    assert codes[("education_level", "isced_3_4")] == "Upper secondary (ISCED 3–4)"
    assert codes[("region", "wallonia")] == "Wallonia"
    assert codes[("province", "liege")] == "Liège"

    record = AccessRecord.objects.get()
    assert record.what == "research_export" and record.user == world.evaluator and record.rows == 10


def test_the_workbook_has_data_codebook_and_method_sheets(client, world):
    client.force_login(world.coordinator)
    response = _download(client, world.programme, "xlsx")
    assert response["Content-Disposition"].endswith('-research.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["data", "codebook", "method"]
    assert [c.value for c in next(workbook["data"].iter_rows())] == HEADER
    method = {row[0]: row[1] for row in workbook["method"].iter_rows(values_only=True)}
    assert method["k"] == 5 and method["withheld"] == "yes"  # 2 trajectories only


def test_fewer_than_k_trajectories_ship_no_row(client, world):
    export = build_export(programme=world.programme)
    assert export.rows == [] and export.method.withheld and export.method.trajectories == 2
    files = _zip(export_response(export, fmt="csv"))
    assert _csv(files["data.csv"]) == [HEADER]
    assert "fewer than 5 trajectories" in files["README.txt"].decode()


def test_codebook_follows_the_level_applied(world):
    export = build_export(programme=world.programme)
    export.method.place_level, export.method.period_level = "region", "quarter"
    definitions = {row[0]: row[3] for row in codebook(export.method) if not row[1]}
    assert "YYYY-Qn" in definitions["started_period"]
    assert "coarsened to the region" in definitions["province"]


# --- k-anonymity over the demo and a large programme ------------------------------------------


def test_demo_exports_are_k_anonymous_stable_and_hold_nothing_personal(db, settings):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    programmes = list(Programme.objects.all())
    big = Programme.objects.get(name="DUO for a JOB")
    # Before: most rows of the demo's DUO for a JOB are unique at the finest level.
    finest = ["age_band_at_entry", "gender", "education_level", "province", "started_period"]
    fine = pseudonymised_rows(programme=big)
    counts = Counter(tuple(row[c] for c in finest) for row in fine)
    assert sum(counts[tuple(row[c] for c in finest)] == 1 for row in fine) > len(fine) / 2

    qi_columns = [c for columns in QUASI_IDENTIFIERS.values() for c in columns]
    files, first = {}, {}
    for programme in programmes:
        method = check_export(programme)
        assert not method.withheld
        export = build_export(programme=programme)
        first[programme.pk] = export.rows
        files[programme.pk] = _zip(export_response(export, fmt="csv"))
        # The file as shipped: every combination holds k rows and trajectories.
        data = _csv(files[programme.pk]["data.csv"])
        assert data[0] == HEADER and len(data) - 1 == method.rows
        assert min(_smallest_combinations(_as_dicts(HEADER, data[1:]), qi_columns)) >= K

    # Research ids: the same with the same key, all different with another.
    for programme in programmes:
        assert research_rows(programme=programme)["rows"] == first[programme.pk]
    settings.RESEARCH_ID_KEY = "another-research-key-of-at-least-32-chars"
    for programme in programmes:
        other = research_rows(programme=programme)["rows"]
        ids = {r[i] for r in first[programme.pk] for i in (0, 1)}
        assert {r[i] for r in other for i in (0, 1)}.isdisjoint(ids)

    # Nothing personal in any file of any export.
    personal = set()
    for model in (Mentee, Mentor):
        for person in model.objects.all():
            values = [
                person.first_name,
                person.last_name,
                f"{person.first_name} {person.last_name}",
                person.email,
                person.phone,
                "".join(c for c in person.phone if c.isdigit()),
                person.ref,
                person.municipality,
                person.postcode,
                getattr(person, "jobseeker_ref", ""),
            ]
            personal.update(v for v in values if v)
    for model, field in (
        (Meeting, "note"),
        (Outcome, "note"),
        (Concern, "text"),
        (CheckIn, "note"),
    ):
        personal.update(v for v in model.objects.values_list(field, flat=True) if v)
    emails = {e for e in personal if "@" in e}
    for programme in programmes:
        exported = files[programme.pk]
        cells = {
            cell
            for name in ("data.csv", "codebook.csv", "method.csv")
            for row in _csv(exported[name])
            for cell in row
        }
        assert cells.isdisjoint(personal)
        assert cells.isdisjoint({e.split("@")[0] for e in emails})
        text = b"\n".join(exported.values()).decode("utf-8-sig")
        assert not any(email in text for email in emails)
        data_cells = {cell for row in _csv(exported["data.csv"]) for cell in row}
        assert not any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell) for cell in data_cells)
        # The only day anywhere is the day of the extraction.
        assert set(re.findall(r"\d{4}-\d{2}-\d{2}", text)) <= {timezone.localdate().isoformat()}


POSTCODES = [
    "1000", "1030", "1080", "1210", "1300", "1400", "1500", "1800", "2000", "2300", "2800",
    "3000", "3500", "3600", "4000", "4800", "5000", "5500", "6000", "6700", "7000", "7500",
    "8000", "8500", "9000", "9300", "",
]  # fmt: skip


GENDERS = {"female": 47, "male": 47, "non_binary": 1, "not_stated": 5}
EDUCATION = {"isced_0_2": 35, "isced_3_4": 35, "isced_5_8": 25, "": 5}
AGE_BANDS = {"under_25": 30, "25_54": 60, "over_54": 8, "": 2}
END_REASONS = {"completed": 60, "goal_reached": 20, "mentee_withdrew": 20}
EXIT_STATUSES = {
    "employed": 40,
    "training": 15,
    "still_searching": 30,
    "inactive": 10,
    "unknown": 5,
}


def _generate(programme, n: int, *, seed: int = 13) -> None:
    """n trajectories (one duo each, a tenth with an earlier one too), outcomes
    and meetings, in bulk."""
    rng = random.Random(seed)

    def pick(weights: dict) -> str:
        return rng.choices(list(weights), list(weights.values()))[0]

    mentors = Mentor.objects.bulk_create(
        Mentor(programme=programme, first_name=f"Mentor {i}", ref=f"MR{i}", capacity=3)
        for i in range(n // 10)
    )
    mentees = Mentee.objects.bulk_create(
        Mentee(
            programme=programme,
            first_name=f"Mentee {i}",
            ref=f"ME{i}",
            email=f"me{i}@duo.invalid",
            gender=pick(GENDERS),
            education_level=pick(EDUCATION),
            age_band_at_entry=pick(AGE_BANDS),
            postcode=rng.choice(POSTCODES),
        )
        for i in range(n)
    )
    today, first_day = dt.date.today(), dt.date(2019, 1, 1)
    week = dt.timedelta(weeks=1)
    duos = []
    for mentee in mentees:
        start = first_day + dt.timedelta(days=rng.randrange((today - first_day).days - 30))
        common = {"programme": programme, "mentee": mentee, "mentor": rng.choice(mentors)}
        if rng.random() < 0.1:  # an earlier duo that ended early
            earlier = start - dt.timedelta(days=rng.randrange(200, 500))
            duos.append(
                Duo(
                    **common,
                    status="ended",
                    started_on=earlier,
                    planned_end_on=earlier + 26 * week,
                    ended_on=earlier + 8 * week,
                    end_reason="mismatch",
                )
            )
        ended = start + 26 * week < today and rng.random() < 0.9
        duos.append(
            Duo(
                **common,
                status="ended" if ended else "active",
                started_on=start,
                planned_end_on=start + 26 * week,
                ended_on=start + rng.randrange(8, 27) * week if ended else None,
                end_reason=pick(END_REASONS) if ended else "",
            )
        )
    duos = Duo.objects.bulk_create(duos)
    outcomes, meetings = [], []
    for duo in duos:
        if duo.status == "ended" and rng.random() < 0.85:
            status = pick(EXIT_STATUSES)
            contract = "fixed_term" if status == "employed" else ""
            outcome = {"duo": duo, "date": duo.ended_on, "source": "coordinator"}
            outcomes.append(Outcome(**outcome, point="exit", status=status, contract_type=contract))
            if rng.random() < 0.5:
                outcomes.append(
                    Outcome(
                        **outcome, point="follow_up", status="employed", contract_type="permanent"
                    )
                )
        if rng.random() < 0.3:
            meetings.append(
                Meeting(duo=duo, date=duo.started_on, minutes=60, mode="video", topics=["cv"])
            )
    Outcome.objects.bulk_create(outcomes)
    Meeting.objects.bulk_create(meetings)


def test_a_5000_trajectory_programme_is_k_anonymous(db):
    programme = ProgrammeFactory()
    _generate(programme, 5000)
    method = check_export(programme)
    assert method.trajectories == 5000 and method.rows > 5000
    assert method.rows_blanked < method.rows / 3  # suppression stays local


def test_queries_do_not_grow(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(5) as captured:
        research_rows(programme=world.programme)
    few = len(captured.captured_queries)
    for _ in range(30):
        MeetingFactory(duo=DuoFactory(programme=world.programme, ended=True))
    with django_assert_max_num_queries(few):
        research_rows(programme=world.programme)
