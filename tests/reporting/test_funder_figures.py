"""End to end, over the demo data and over small generated programmes: nothing a
funder or an evaluator can open (figures pages for every period, the CSV and
the XLSX downloads, the home page) shows a count from 1 to 4, a percentage that
multiplies back to one, or another funder's money (DESIGN.md). The same pages
read as a coordinator do show such numbers: the checks can see them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from programmes.models import Funding, Membership, Programme, Role
from reporting.rates import GROUPS, STATUSES
from reporting.services import snapshot_compute
from tests.factories import (
    DuoFactory,
    FunderFactory,
    FundingFactory,
    MembershipFactory,
    MenteeFactory,
    OrganisationFactory,
    OutcomeFactory,
    ProgrammeFactory,
)

INTEGER = re.compile(r"^\d{1,3}(?:[,\u202f\xa0 ]\d{3})+$|^\d+$")
PERCENT = re.compile(r"^(\d+(?:\.\d+)?) %$")
SMALL_OF = re.compile(r"^<5 of (\d+)$")
COUNT_OF = re.compile(r"^(\d+) of (\d+)$")
SO_FAR = re.compile(r"^(\S+) so far \(target \d+\)$")
MARKS = {"<5", "·", "—", ""}


def _integer(text: str) -> int | None:
    return int(re.sub(r"\D", "", text)) if INTEGER.match(text) else None


def _multiplies_back(p: Decimal, n: int) -> bool:
    product = p * n / 100
    return 1 <= round(product) <= 4 or 1 <= int(product + Decimal("0.5")) <= 4


class Checker:
    """Reads figures in order: an n, then the rates over it."""

    def __init__(self, where: str):
        self.where = where
        self.problems: list[str] = []

    def problem(self, text: str, why: str) -> None:
        self.problems.append(f"{self.where}: {text!r} {why}")

    def fraction(self, value, n: int | None) -> None:
        """A rate in a download: a fraction of 1 at full precision, or a mark."""
        try:
            rate = float(value)
        except (TypeError, ValueError):
            self.figure(str(value), n)
            return
        if n is None or n < 10:
            self.problem(str(value), f"is a rate over n = {n}")
        elif 1 <= round(rate * n) <= 4:
            self.problem(str(value), f"of {n} gives a count from 1 to 4 back")

    def count(self, text: str) -> int | None:
        value = _integer(text)
        if value is not None and 1 <= value <= 4:
            self.problem(text, "is a count from 1 to 4")
        return value

    def figure(self, text: str, n: int | None) -> None:
        """A cell that is not an n: a rate over ``n``, a count, or a mark."""
        text = text.removesuffix(" *").strip()
        if "€" in text:
            return  # an amount: checked by _leaked_money (a cost of hidden duos is "·")
        if match := SO_FAR.match(text):  # duos started so far, against the target
            self.figure(match[1], None)
        elif match := PERCENT.match(text):
            if n is None or n < 10:
                self.problem(text, f"is a rate over n = {n}")
            elif _multiplies_back(Decimal(match[1]), n):
                self.problem(text, f"of {n} multiplies back to 1–4")
        elif match := SMALL_OF.match(text):
            if int(match[1]) < 10:
                self.problem(text, "is a rate over n < 10")
        elif match := COUNT_OF.match(text):
            self.count(match[1])
        elif text not in MARKS and _integer(text) is None:
            self.problem(text, "is not a figure as funders see them")
        else:
            self.count(text)


class Page(HTMLParser):
    """The tables (header, rows of (is a number, text)), the stats and the text."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: list[dict] = []
        self.stats: list[str] = []
        self.text: list[str] = []
        self._cell = None
        self._skip = 0
        self._in_stats = False
        self._strong = None
        self._caption = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self.tables.append({"header": [], "rows": [], "caption": ""})
        elif tag == "caption":
            self._caption = True
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = ["num" in (attrs.get("class") or "").split(), ""]
        elif tag == "ul" and "stats" in (attrs.get("class") or ""):
            self._in_stats = True
        elif tag == "strong" and self._in_stats:
            self._strong = ""

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None:
            row = self.tables[-1]["rows"][-1]
            row.append((self._cell[0], self._cell[1].strip()))
            self._cell = None
        elif tag == "thead" and self.tables:
            self.tables[-1]["header"] = [text for _num, text in self.tables[-1]["rows"].pop()]
        elif tag == "ul":
            self._in_stats = False
        elif tag == "caption":
            self._caption = False
        elif tag == "strong" and self._strong is not None:
            self.stats.append(self._strong.strip())
            self._strong = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._caption:
            self.tables[-1]["caption"] += data
        if self._cell is not None:
            self._cell[1] += data
        if self._strong is not None:
            self._strong += data


def check_html(html: str, where: str) -> list[str]:
    page = Page(html)
    checker = Checker(where)
    for text in page.stats:
        checker.figure(text, None) if "%" in text else checker.count(text)
    for table in page.tables:
        header = table["header"]
        for row in table["rows"]:
            n = None
            for column, (number, text) in enumerate(row):
                if not number:
                    continue
                title = header[column] if column < len(header) else ""
                if title == "n" or title.startswith("n ("):
                    n = checker.count(text)
                else:
                    checker.figure(text, n)
    return checker.problems


def _known(text: str, n: int | None) -> int | None:
    """The count a reader gets from a cell: a number, or a percentage × its n."""
    text = text.removesuffix(" *").strip()
    if (value := _integer(text)) is not None:
        return value
    if (match := PERCENT.match(text)) and n:
        return round(Decimal(match[1]) * n / 100)
    if match := COUNT_OF.match(text):
        return int(match[1])
    return None


def _worked_out(total: tuple, parts: list[tuple]) -> bool:
    """Whether a "<5" among (text, known count) cells follows from total = Σ parts."""
    unknown = [text for text, value in [total, *parts] if value is None]
    return len(unknown) == 1 and unknown[0].strip().startswith("<5")


def check_sums(html: str, where: str) -> list[str]:
    """Complementary suppression as a reader tests it: in every sum of the
    dashboard (n = its groups, positive = employed + training + internship, the
    cohorts and the values of a breakdown = the period), no "<5" is the only
    unknown."""
    problems = []
    main, totals = {}, {}
    for table in Page(html).tables:
        header = table["header"]
        rows = [  # not the "—" row of an empty table
            dict(zip(header, (text for _num, text in row), strict=True))
            for row in table["rows"]
            if len(row) == len(header)
        ]
        if header[:1] == ["Point"]:
            for row in rows:
                point = "exit" if row["Point"].startswith("At exit") else "follow_up"
                main[(point, row["Denominator"])] = row
        elif header[:1] == ["Cohort"]:
            totals["cohorts exit"] = (rows, "n", "Employed at exit", "Positive at exit", "exit")
            totals["cohorts follow-up"] = (
                rows,
                "n (follow-up)",
                "Employed at follow-up",
                "Positive at follow-up",
                "follow_up",
            )
        elif header[:1] == ["Group"]:
            point = "exit" if table["caption"].endswith("at exit") else "follow_up"
            totals[table["caption"]] = (rows, "n", "Employed", "Positive", point)
    for key, row in main.items():
        n = _integer(row["n"])
        cell = {name: (row[name], _known(row[name], n)) for name in row}
        groups = ["Employed", "Training", "Internship", "Still searching", "Other"]
        sums = [
            (cell["n"], [cell[g] for g in groups]),
            (cell["Positive"], [cell[g] for g in ("Employed", "Training", "Internship")]),
            (cell["n"], [cell[g] for g in ("Positive", "Still searching", "Other")]),
        ]
        problems += [
            f"{where} {key}: {total} = {parts}"
            for total, parts in sums
            if _worked_out(total, parts)
        ]
    for name, (rows, n_column, employed, positive, point) in totals.items():
        row = main[(point, "completed")]
        n = _integer(row["n"])
        for column, total in ((n_column, "n"), (employed, "Employed"), (positive, "Positive")):
            parts = [(r[column], _known(r[column], _integer(r[n_column]))) for r in rows]
            whole = (row[total], _known(row[total], n))
            if _worked_out(whole, parts):
                problems.append(f"{where} {name} {column}: {whole} = {parts}")
    return problems


COUNTS = {"n", *STATUSES, "duos_started"}
RATES = {*(f"rate_{g}" for g in GROUPS), "unknown_share"}


def check_rows(rows: list[list], where: str) -> list[str]:
    """A table of the figures download (the CSV, or a sheet of the XLSX): counts
    (numbers or marks) and rates (fractions or marks) over the row's n."""
    header, *body = rows
    checker = Checker(where)
    for row in body:
        cells = dict(zip(header, row, strict=True))
        n = checker.count(str(cells["n"])) if "n" in cells else None
        for name, value in cells.items():
            if name in COUNTS - {"n"} and value != "":
                checker.figure(str(value), n)
            elif name in RATES and value != "":
                checker.fraction(value, n)
    return checker.problems


def _csv(response) -> list[list]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx(response) -> dict[str, list[list]]:
    """Sheet name → its rows (the Definitions sheet left out)."""
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return {
        sheet.title: [
            ["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)
        ]
        for sheet in workbook.worksheets
        if sheet.title != "Definitions"
    }


def _money_texts(funding: Funding) -> set[str]:
    """How an amount (and its planned cost per duo) can be written on a page."""
    texts = set()
    for value in (funding.amount, funding.planned_cost_per_duo):
        if value is None:
            continue
        whole = int(value.quantize(Decimal("1")))
        texts |= {str(value), str(whole), f"{whole:,}"}
        texts |= {f"{whole:,}".replace(",", sep) for sep in (".", " ", "\xa0", "\u202f")}
    return texts


def _leaked_money(text: str, fundings) -> list[str]:
    return [
        f"{money} of {funding}"
        for funding in fundings
        for money in _money_texts(funding)
        if re.search(rf"(?<![\w.,]){re.escape(money)}(?![\w]|[.,]\d)", text)
    ]


def _years(programme) -> list[int]:
    snapshot = programme.rate_snapshots.order_by("-version").first()
    return sorted({row["cohort"] for row in snapshot.rows if row["cohort"] is not None})


def _periods(programme) -> list[dict]:
    years = _years(programme)
    periods = [{}] + [{"from": y, "to": y} for y in years] + [{"from": y} for y in years[1:]]
    return [*periods, {"from": years[-1] + 1}]  # no cohort yet


def read_everything(client, user, programmes) -> tuple[list[str], str]:
    """Every figures page, CSV and XLSX a user can open: (problems, all their text)."""
    client.force_login(user)
    problems, texts = [], []
    for name, response in [
        ("home", client.get(reverse("home"))),
        ("list", client.get(reverse("reporting:dashboard_list"))),
    ]:
        assert response.status_code == 200, name
        problems += check_html(response.content.decode(), name)
        texts.append(" ".join(Page(response.content.decode()).text))
    for programme in programmes:
        # The programme's own page (duos by status, fundings) counts too.
        response = client.get(reverse("duos:programme", args=[programme.uuid]))
        assert response.status_code == 200, programme.slug
        problems += check_html(response.content.decode(), f"{programme.slug} page")
        texts.append(" ".join(Page(response.content.decode()).text))
        url = reverse("reporting:dashboard", args=[programme.uuid])
        for period in _periods(programme):
            where = f"{programme.slug} {period}"
            response = client.get(url, period)
            assert response.status_code == 200, where
            problems += check_html(response.content.decode(), where)
            problems += check_sums(response.content.decode(), where)
            texts.append(" ".join(Page(response.content.decode()).text))
            rows = _csv(client.get(url, {**period, "format": "csv"}))
            problems += check_rows(rows, f"{where} csv")
            texts.append(" ".join(" ".join(map(str, row)) for row in rows))
            for name, rows in _xlsx(client.get(url, {**period, "format": "xlsx"})).items():
                problems += check_rows(rows, f"{where} xlsx {name}")
                texts.append(" ".join(" ".join(map(str, row)) for row in rows))
    return problems, "\n".join(texts)


def _assert_safe_for(client, user, programmes, *, others_fundings, own_fundings=()):
    problems, text = read_everything(client, user, programmes)
    assert problems == []
    assert _leaked_money(text, others_fundings) == []
    for funding in own_fundings:  # the check does find amounts
        assert _leaked_money(text, [funding]), funding


def _coordinator_sees_small_numbers(client, user, programmes):
    """The same pages in full: the checks find small counts there."""
    client.force_login(user)
    problems = []
    for programme in programmes:
        url = reverse("reporting:dashboard", args=[programme.uuid])
        for period in _periods(programme):
            html = client.get(url, period).content.decode()
            problems += check_html(html, f"{programme.slug} {period}")
    assert any("is a count from 1 to 4" in p for p in problems)
    assert any("multiplies back" in p or "<5" in p for p in problems)


# --- the demo data ----------------------------------------------------------------------


@pytest.fixture
def demo(db):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    for programme in Programme.objects.all():
        snapshot_compute(programme=programme)
    funder = Membership.objects.get(user__email="funder@example.org", role=Role.FUNDER)
    # Granted a programme they do not fund too (Mentoring naar Werk: ESF and VDAB),
    # and another funder on one of theirs: neither amount may show.
    funder.programmes.add(Programme.objects.get(slug="mentoring-naar-werk"))
    duo_for_a_job = Programme.objects.get(slug="duo-for-a-job")
    FundingFactory(
        programme=duo_for_a_job,
        amount=Decimal("98765.43"),
        starts_on=dt.date(2017, 1, 1),
        ends_on=dt.date(2030, 12, 31),
        target_duos=40,
    )
    return funder


def test_demo_data_funder_evaluator_and_coordinator(client, demo):
    """One seeding for the three readers (the demo takes seconds to build)."""
    programmes = list(demo.programmes.all())
    assert len(programmes) == 3
    others = Funding.objects.filter(programme__in=programmes).exclude(funder=demo.organisation)
    assert others.count() >= 3
    own = Funding.objects.filter(funder=demo.organisation, programme__in=programmes)
    _assert_safe_for(client, demo.user, programmes, others_fundings=others, own_fundings=own)

    evaluator = Membership.objects.get(user__email="evaluator@example.org")
    _assert_safe_for(
        client, evaluator.user, evaluator.programmes.all(), others_fundings=Funding.objects.all()
    )

    coordinator = Membership.objects.get(user__email="coordinator@example.org").user
    _coordinator_sees_small_numbers(
        client, coordinator, Programme.objects.filter(slug="duo-for-a-job")
    )


# --- small generated programmes ----------------------------------------------------------

# Weighted so that most groups hold a handful of trajectories.
STATUS_WEIGHTS = {
    "employed": 6,
    "self_employed": 1,
    "training": 2,
    "studies": 1,
    "internship": 1,
    "still_searching": 4,
    "inactive": 1,
    None: 2,  # nothing recorded: unknown
}


def _generate(programme, rng: random.Random) -> None:
    for _ in range(rng.randint(10, 30)):
        mentee = MenteeFactory(
            programme=programme,
            gender=rng.choice(["female", "female", "male", "non_binary"]),
            age_band_at_entry=rng.choice(["under_25", "under_25", "25_54", "over_54"]),
            education_level=rng.choice(["isced_0_2", "isced_3_4", "isced_5_8", ""]),
        )
        started = dt.date(rng.choice([2021, 2022, 2022, 2023]), rng.randint(1, 12), 1)
        if rng.random() < 0.1:  # still active: in no denominator yet
            DuoFactory(programme=programme, mentee=mentee, started_on=started)
            continue
        reason = rng.choice(["completed"] * 4 + ["goal_reached", "mentee_withdrew", "mismatch"])
        duo = DuoFactory(
            programme=programme,
            mentee=mentee,
            ended=True,
            started_on=started,
            ended_on=started + dt.timedelta(weeks=26),
            end_reason=reason,
        )
        for point, when in (
            ("exit", duo.ended_on),
            ("follow_up", duo.ended_on + dt.timedelta(days=183)),
        ):
            status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
            if status is not None:
                contract = "permanent" if status == "employed" else ""
                OutcomeFactory(
                    duo=duo, point=point, status=status, contract_type=contract, date=when
                )


@pytest.fixture
def generated(db):
    rng = random.Random(20261130)
    programmes = [ProgrammeFactory(name=f"Generated {i}") for i in range(4)]
    for programme in programmes:
        _generate(programme, rng)
        snapshot_compute(programme=programme)
    ours, theirs = FunderFactory(name="Our funder"), FunderFactory(name="Another funder")
    own = [
        FundingFactory(
            funder=ours,
            programme=programme,
            amount=Decimal(250000 + 1000 * i),
            starts_on=dt.date(2021, 1, 1),
            ends_on=dt.date(2023, 12, 31),
            target_duos=60,
        )
        for i, programme in enumerate(programmes)
    ]
    others = [
        FundingFactory(
            funder=theirs,
            programme=programme,
            amount=Decimal("123456.78") + i,
            starts_on=dt.date(2022, 1, 1),
            ends_on=dt.date(2023, 12, 31),
            target_duos=30,
        )
        for i, programme in enumerate(programmes[:3])
    ]
    funder = MembershipFactory(organisation=ours, role=Role.FUNDER, programmes=programmes).user
    evaluator = MembershipFactory(
        organisation=OrganisationFactory(kind="research"),
        role=Role.EVALUATOR,
        programmes=programmes,
    ).user
    coordinators = [
        MembershipFactory(organisation=p.operator, role=Role.COORDINATOR).user for p in programmes
    ]
    return {
        "programmes": programmes,
        "funder": funder,
        "evaluator": evaluator,
        "coordinators": coordinators,
        "own": own,
        "others": others,
    }


def test_generated_funder_sees_nothing_small_and_only_their_own_money(client, generated):
    _assert_safe_for(
        client,
        generated["funder"],
        generated["programmes"],
        others_fundings=generated["others"],
        own_fundings=generated["own"],
    )


def test_generated_evaluator_sees_nothing_small_and_no_money(client, generated):
    _assert_safe_for(
        client,
        generated["evaluator"],
        generated["programmes"],
        others_fundings=[*generated["own"], *generated["others"]],
    )


def test_generated_coordinators_see_the_full_figures(client, generated):
    for coordinator, programme in zip(
        generated["coordinators"], generated["programmes"], strict=True
    ):
        _coordinator_sees_small_numbers(client, coordinator, [programme])
        # their own programme's amounts, every funder's
        client.force_login(coordinator)
        html = client.get(reverse("reporting:dashboard", args=[programme.uuid])).content
        text = " ".join(Page(html.decode()).text)
        assert _leaked_money(text, Funding.objects.filter(programme=programme))
