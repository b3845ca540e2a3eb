"""A programme's figures for the analyst's tests (downloads, compare, drill-down):
three cohorts of trajectories with varied genders, age bands, education levels,
end reasons and outcomes at both points, a re-matched mentee and an active duo,
generated from a fixed seed; plus helpers to read the page and the downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from html.parser import HTMLParser

import openpyxl
from django.utils import timezone

from tests.factories import DuoFactory, MenteeFactory, OutcomeFactory

STATUSES = [
    "employed",
    "employed",
    "employed",
    "self_employed",
    "training",
    "studies",
    "internship",
    "still_searching",
    "still_searching",
    "inactive",
    None,  # nothing recorded: unknown
]
COHORTS = {2022: 16, 2023: 24, 2024: 13}


def build(programme, *, seed: int = 15) -> list:
    """The trajectories of ``programme``; returns their last duos (ended)."""
    rng = random.Random(seed)
    last = []
    for year, count in COHORTS.items():
        for k in range(count):
            consent = timezone.now() if k % 3 == 0 else None
            mentee = MenteeFactory(
                programme=programme,
                gender=rng.choice(["female", "female", "male", "non_binary"]),
                age_band_at_entry=rng.choice(["under_25", "under_25", "25_54", "over_54"]),
                education_level=rng.choice(["isced_0_2", "isced_3_4", "isced_5_8", ""]),
                special_consent_at=consent,
                migration_background=(k % 2 == 0) if consent else None,
            )
            started = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
            if k == 0:  # re-matched: an earlier duo that ended early
                DuoFactory(
                    programme=programme,
                    mentee=mentee,
                    ended=True,
                    started_on=started,
                    ended_on=started + dt.timedelta(days=30),
                    end_reason="mismatch",
                )
                started += dt.timedelta(days=40)
            reason = rng.choice(["completed"] * 4 + ["goal_reached", "mentee_withdrew"])
            duo = DuoFactory(
                programme=programme,
                mentee=mentee,
                ended=True,
                started_on=started,
                ended_on=started + dt.timedelta(weeks=26),
                end_reason=reason,
            )
            last.append(duo)
            for point, when in (
                ("exit", duo.ended_on),
                ("follow_up", duo.ended_on + dt.timedelta(days=183)),
            ):
                status = rng.choice(STATUSES)
                if status is not None:
                    contract = "permanent" if status == "employed" else ""
                    OutcomeFactory(
                        duo=duo, point=point, status=status, contract_type=contract, date=when
                    )
    # Still active: in no denominator.
    DuoFactory(programme=programme, started_on=dt.date(2024, 11, 1))
    return last


class Links(HTMLParser):
    """Every link of a page: (href, its text)."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href = None
        self._text = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), ""

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, self._text.strip()))
            self._href = None

    def handle_data(self, data):
        if self._href is not None:
            self._text += data


class Text(HTMLParser):
    """The visible text of a page (no scripts, styles or attributes)."""

    def __init__(self, html: str):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(response.content))


def sheet_rows(sheet) -> list[dict]:
    """A sheet as dicts (header → cell), cells with their number format."""
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]
