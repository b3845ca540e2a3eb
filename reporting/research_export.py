"""The evaluator's pseudonymised duo-level export (DESIGN.md "Who sees what",
STACK.md "Privacy notes").

Research ids are an HMAC of the row's id with ``RESEARCH_ID_KEY``, a key kept
outside the database and the export: the same person keeps the same id across
exports, and nobody holding the export alone can link it back. Ages are bands,
places are provinces or regions, dates are months, quarters or years; no names,
contacts, references, notes, free text or special-category data.

The export is k-anonymous (k = 5) over its quasi-identifiers: age band, gender,
education level, place and start period. Every combination of their values in
the file is shared by at least k trajectories (mentees); a blank is a value of
its own. To get there, one level of coarsening for the whole file (so that rows
stay comparable): place province → region, then period month → quarter → year,
the first level at which every combination holds k trajectories; when even the
coarsest does not, the rarest values of the rows still in smaller combinations
are blanked (local suppression) until every combination does. Outcome columns
are never touched. The export says what was applied (``Method``), and ships a
codebook of every column and code.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, F, FilteredRelation, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils import timezone, translation
from numpy import array

from duos.matching.engine import REGION_OF_PROVINCE, province_of
from duos.models import AgeBand, ContractType, Duo, DuoStatus, EndReason, Gender, OutcomeStatus
from programmes.exports import XLSX_TYPE, _cell
from programmes.models import EducationLevel, Programme, Region

from .rates import COMPLETED, GROUPS

K = 5

PROVINCES = {
    0: "",
    1: "brussels",
    2: "walloon_brabant",
    3: "flemish_brabant",
    4: "antwerp",
    5: "limburg",
    6: "liege",
    7: "namur",
    8: "hainaut",
    9: "luxembourg",
    10: "west_flanders",
    11: "east_flanders",
}
PROVINCE_LABELS = {
    "brussels": "Brussels-Capital Region (not a province; postcodes 1000–1299)",
    "walloon_brabant": "Walloon Brabant",
    "flemish_brabant": "Flemish Brabant",
    "antwerp": "Antwerp",
    "limburg": "Limburg",
    "liege": "Liège",
    "namur": "Namur",
    "hainaut": "Hainaut",
    "luxembourg": "Luxembourg (Belgian province)",
    "west_flanders": "West Flanders",
    "east_flanders": "East Flanders",
}
REGIONS = {0: "", 1: Region.BRUSSELS.value, 2: Region.FLANDERS.value, 3: Region.WALLONIA.value}
REGION_OF = {PROVINCES[code]: REGIONS[int(REGION_OF_PROVINCE[code])] for code in PROVINCES}

HEADER = [
    "research_id",
    "mentor_research_id",
    "duo_number",
    "cohort",
    "age_band_at_entry",
    "gender",
    "education_level",
    "region",
    "province",
    "started_period",
    "planned_end_period",
    "ended_period",
    "status",
    "end_reason",
    "exit_status",
    "exit_contract",
    "follow_up_status",
    "follow_up_contract",
    "meetings",
    "is_last_duo",
]
# The quasi-identifiers and the columns that carry each of them. The start
# period includes the cohort (the year of the trajectory's first start): for a
# later duo it tells more than the duo's own start.
QUASI_IDENTIFIERS = {
    "place": ("region", "province"),
    "start_period": ("cohort", "started_period"),
    "education_level": ("education_level",),
    "gender": ("gender",),
    "age_band_at_entry": ("age_band_at_entry",),
}
# Blanked together with a suppressed start period: they would give it away.
FOLLOWS_START = ("planned_end_period", "ended_period")
PERIOD_COLUMNS = ("started_period", "planned_end_period", "ended_period")
OUTCOME_COLUMNS = (
    "status",
    "end_reason",
    "exit_status",
    "exit_contract",
    "follow_up_status",
    "follow_up_contract",
    "meetings",
    "is_last_duo",
)
# Coarsening levels of the whole file, least first: place first, then period.
LEVELS = (
    ("province", "month"),
    ("region", "month"),
    ("region", "quarter"),
    ("region", "year"),
)
PERIOD_FORMATS = {"month": "YYYY-MM", "quarter": "YYYY-Qn", "year": "YYYY"}


def research_id(kind: str, programme_id: int, pk: int) -> str:
    message = f"{kind}:{programme_id}:{pk}".encode()
    return hmac.new(settings.RESEARCH_ID_KEY.encode(), message, hashlib.sha256).hexdigest()[:16]


def _month(day) -> str:
    return day.strftime("%Y-%m") if day else ""


def _age_band(duo) -> str:
    if duo.mentee.age_band_at_entry:
        return duo.mentee.age_band_at_entry
    if duo.mentee.birth_date and duo.first_start:
        years = duo.first_start.year - duo.mentee.birth_date.year
        years -= (duo.first_start.month, duo.first_start.day) < (
            duo.mentee.birth_date.month,
            duo.mentee.birth_date.day,
        )
        return AgeBand.for_age(years).value
    return ""


def research_duos(programme: Programme):
    """Every started duo of the programme with what the export needs, in one query."""
    mentee_duos = Duo.objects.filter(mentee_id=OuterRef("mentee_id"), started_on__isnull=False)
    earlier = mentee_duos.filter(started_on__lt=OuterRef("started_on")).order_by()
    return (
        Duo.objects.filter(programme=programme, started_on__isnull=False)
        .select_related("mentee")
        .only(
            "pk",
            "mentor_id",
            "status",
            "end_reason",
            "started_on",
            "planned_end_on",
            "ended_on",
            "mentee__id",
            "mentee__gender",
            "mentee__education_level",
            "mentee__postcode",
            "mentee__age_band_at_entry",
            "mentee__birth_date",
        )
        .annotate(
            exit_outcome=FilteredRelation("outcomes", condition=Q(outcomes__point="exit")),
            follow_up_outcome=FilteredRelation(
                "outcomes", condition=Q(outcomes__point="follow_up")
            ),
        )
        .annotate(
            exit_status=Coalesce(F("exit_outcome__status"), Value("")),
            exit_contract=Coalesce(F("exit_outcome__contract_type"), Value("")),
            follow_up_status=Coalesce(F("follow_up_outcome__status"), Value("")),
            follow_up_contract=Coalesce(F("follow_up_outcome__contract_type"), Value("")),
            meeting_count=Subquery(
                Duo.objects.filter(pk=OuterRef("pk")).annotate(n=Count("meetings")).values("n")[:1]
            ),
            duo_number=Subquery(
                earlier.values("mentee_id").annotate(n=Count("pk")).values("n")[:1]
            ),
            first_start=Subquery(
                mentee_duos.order_by().values("mentee_id").annotate(f=Min("started_on")).values("f")
            ),
            is_last=~Exists(mentee_duos.filter(started_on__gt=OuterRef("started_on"))),
        )
        .order_by("started_on", "pk")
    )


def pseudonymised_rows(*, programme: Programme) -> list[dict]:
    """Every started duo as a row of ``HEADER`` at the finest level (province,
    months), before k-anonymity: never shipped as such."""
    duos = list(research_duos(programme))
    postcodes = array(
        [
            int(d.mentee.postcode)
            if d.mentee.postcode.isascii() and d.mentee.postcode.isdigit()
            else 0
            for d in duos
        ]
    )
    provinces = province_of(postcodes) if duos else []
    rows = []
    for duo, code in zip(duos, provinces, strict=True):
        province = PROVINCES[int(code)]
        rows.append(
            {
                "research_id": research_id("mentee", programme.pk, duo.mentee_id),
                "mentor_research_id": research_id("mentor", programme.pk, duo.mentor_id),
                "duo_number": (duo.duo_number or 0) + 1,
                "cohort": duo.first_start.year if duo.first_start else "",
                "age_band_at_entry": _age_band(duo),
                "gender": duo.mentee.gender,
                "education_level": duo.mentee.education_level,
                "region": REGION_OF[province],
                "province": province,
                "started_period": _month(duo.started_on),
                "planned_end_period": _month(duo.planned_end_on),
                "ended_period": _month(duo.ended_on),
                "status": duo.status,
                "end_reason": duo.end_reason,
                "exit_status": duo.exit_status,
                "exit_contract": duo.exit_contract,
                "follow_up_status": duo.follow_up_status,
                "follow_up_contract": duo.follow_up_contract,
                "meetings": duo.meeting_count or 0,
                "is_last_duo": "true" if duo.is_last else "false",
            }
        )
    return rows


# --- k-anonymity ----------------------------------------------------------------------


def coarsen_period(month: str, level: str) -> str:
    """``YYYY-MM`` as a month, ``YYYY-Qn`` or ``YYYY``; blank stays blank."""
    if not month or level == "month":
        return month
    year, number = month.split("-")
    return year if level == "year" else f"{year}-Q{(int(number) - 1) // 3 + 1}"


def _coarsen(row: dict, place: str, period: str) -> dict:
    row = dict(row)
    if place == "region":
        row["province"] = ""
    for column in PERIOD_COLUMNS:
        row[column] = coarsen_period(row[column], period)
    return row


def combination(row: dict) -> tuple:
    """The row's values of the quasi-identifiers (blank is a value of its own)."""
    return tuple(
        tuple(str(row[column]) for column in columns) for columns in QUASI_IDENTIFIERS.values()
    )


def _trajectories(rows: list[dict], keys: list[tuple]) -> dict[tuple, int]:
    people: dict[tuple, set] = defaultdict(set)
    for key, row in zip(keys, rows, strict=True):
        people[key].add(row["research_id"])
    return {key: len(ids) for key, ids in people.items()}


def _blank(row: dict, qi: str) -> bool:
    """Blank one quasi-identifier of the row; False when it already was."""
    if not any(row[column] != "" for column in QUASI_IDENTIFIERS[qi]):
        return False
    for column in QUASI_IDENTIFIERS[qi] + (FOLLOWS_START if qi == "start_period" else ()):
        row[column] = ""
    return True


class _Combinations:
    """The rows and trajectories of each combination, and how often each value
    of each quasi-identifier occurs, kept up to date as values are blanked."""

    def __init__(self, rows: list[dict]):
        self.rows = rows
        self.keys = [combination(row) for row in rows]
        self.members: dict[tuple, set[int]] = defaultdict(set)
        self.people: dict[tuple, Counter] = defaultdict(Counter)
        self.frequency = [Counter() for _ in QUASI_IDENTIFIERS]
        for i in range(len(rows)):
            self._count(i, +1)

    def _count(self, i: int, step: int) -> None:
        key = self.keys[i]
        if step > 0:
            self.members[key].add(i)
        else:
            self.members[key].discard(i)
        people, person = self.people[key], self.rows[i]["research_id"]
        people[person] += step
        if not people[person]:
            del people[person]
        if not self.members[key]:
            del self.members[key], self.people[key]
        for j, value in enumerate(key):
            self.frequency[j][value] += step

    def size(self, key: tuple) -> int:
        return len(self.people[key])

    def blank(self, i: int, names) -> list[str]:
        """Blank these quasi-identifiers of row i; the names actually blanked."""
        self._count(i, -1)
        done = [name for name in names if _blank(self.rows[i], name)]
        self.keys[i] = combination(self.rows[i])
        self._count(i, +1)
        return done


def _suppress(rows: list[dict], k: int) -> Counter:
    """Local suppression, in place: while some rows are in combinations of fewer
    than k trajectories, blank in those rows the quasi-identifier value that is
    rarest in the file (ties: place, start period, education, gender, age band).
    Rows only move out of small combinations, so the big ones never shrink; when
    the only small combination left is the all-blank one, the smallest other
    combination is blanked into it. Returns the values blanked per
    quasi-identifier."""
    names = list(QUASI_IDENTIFIERS)
    combinations = _Combinations(rows)
    blanked: Counter = Counter()
    while True:
        small = [key for key in combinations.members if combinations.size(key) < k]
        if not small:
            return blanked
        candidates = {(j, key[j]) for key in small for j in range(len(names)) if any(key[j])}
        if candidates:
            j, value = min(
                candidates, key=lambda c: (combinations.frequency[c[0]][c[1]], c[0], c[1])
            )
            targets = [i for key in small if key[j] == value for i in combinations.members[key]]
            blanking = [names[j]]
        else:
            others = [key for key in combinations.members if combinations.size(key) >= k]
            if not others:  # fewer than k trajectories in all: nothing can be shipped
                return blanked
            smallest = min(others, key=lambda key: (combinations.size(key), key))
            targets, blanking = list(combinations.members[smallest]), names
        for i in sorted(targets):
            blanked.update(combinations.blank(i, blanking))


@dataclass
class Method:
    """What the export did to reach k-anonymity."""

    k: int
    place_level: str = ""
    period_level: str = ""
    # Each level tried: (place, period, trajectories in combinations under k).
    tried: list[tuple[str, str, int]] = field(default_factory=list)
    blanked: dict[str, int] = field(default_factory=dict)  # values per quasi-identifier
    rows_blanked: int = 0  # rows with at least one value blanked
    rows: int = 0
    trajectories: int = 0
    withheld: bool = False  # fewer than k trajectories: no row shipped
    extracted_on: dt.date | None = None


@dataclass
class ResearchExport:
    programme: Programme
    header: list[str]
    rows: list[list]
    method: Method


def anonymise(rows: list[dict], *, k: int = K) -> tuple[list[dict], Method]:
    """k-anonymous rows (same order) and what was applied."""
    people = {row["research_id"] for row in rows}
    method = Method(k=k, rows=len(rows), trajectories=len(people))
    if len(people) < k:
        method.withheld = True
        method.blanked = dict.fromkeys(QUASI_IDENTIFIERS, 0)
        return [], method
    for place, period in LEVELS:
        coarse = [_coarsen(row, place, period) for row in rows]
        keys = [combination(row) for row in coarse]
        sizes = _trajectories(coarse, keys)
        under = {
            row["research_id"] for row, key in zip(coarse, keys, strict=True) if sizes[key] < k
        }
        method.tried.append((place, period, len(under)))
        method.place_level, method.period_level = place, period
        if not under:
            break
    before = [combination(row) for row in coarse]
    blanked = _suppress(coarse, k)
    method.blanked = {name: blanked.get(name, 0) for name in QUASI_IDENTIFIERS}
    method.rows_blanked = sum(
        combination(row) != key for row, key in zip(coarse, before, strict=True)
    )
    return coarse, method


def build_export(*, programme: Programme, k: int = K) -> ResearchExport:
    """The shipped export. Rows in the order of their research ids (then duo
    number): in the order of their starts, a blanked period could be read off
    its neighbours."""
    rows, method = anonymise(pseudonymised_rows(programme=programme), k=k)
    rows.sort(key=lambda row: (row["research_id"], row["duo_number"]))
    method.extracted_on = timezone.localdate()
    return ResearchExport(
        programme=programme,
        header=list(HEADER),
        rows=[[row[column] for column in HEADER] for row in rows],
        method=method,
    )


def research_rows(*, programme: Programme) -> dict:
    """The shipped table: header and k-anonymous rows."""
    export = build_export(programme=programme)
    return {"header": export.header, "rows": export.rows}


# --- codebook and method ----------------------------------------------------------------

_BLANK_QI = "Blank: not recorded, or suppressed for k-anonymity (see method)."


def _codes(column: str, choices, definitions: dict | None = None) -> list[list[str]]:
    definitions = definitions or {}
    with translation.override("en"):
        return [[column, value, str(label), definitions.get(value, "")] for value, label in choices]


def _group_definition(status: str) -> str:
    groups = [name for name, members in GROUPS.items() if status in members]
    return "Counts in the figures' group(s): " + ", ".join(groups) + "."


def _period_definition(what: str, method: Method) -> str:
    level = method.period_level or "month"
    return (
        f"{what}, as a {level} ({PERIOD_FORMATS[level]}) in this export: every period column "
        "has the same level. Blank where the start period was suppressed (so that this one "
        "cannot give it away)."
    )


def codebook(method: Method) -> list[list[str]]:
    """Rows of column, code, label, definition: one row for each column, then
    one per code of that column."""
    place = method.place_level or "province"
    columns: list[tuple[str, str, list[list[str]]]] = [
        (
            "research_id",
            "The mentee's pseudonymous id: HMAC-SHA-256 of the mentee's record with a key kept "
            "outside the database and this export, first 16 hex digits. The same mentee has "
            "the same id in every export made with the same key; the id cannot be linked back "
            "without the key. One mentee = one trajectory (all their duos in the programme).",
            [],
        ),
        (
            "mentor_research_id",
            "The mentor's pseudonymous id, made the same way (a mentor may have several duos).",
            [],
        ),
        ("duo_number", "1 for the mentee's first duo in the programme, 2 for the second, …", []),
        (
            "cohort",
            "Year the trajectory's first duo started (the cohort of the programme's figures). "
            "Part of the start period quasi-identifier; blank where it was suppressed.",
            [],
        ),
        (
            "age_band_at_entry",
            "Age band at entry (recorded at intake, else from the birth date at the first "
            "duo's start). Quasi-identifier. " + _BLANK_QI,
            _codes("age_band_at_entry", AgeBand.choices),
        ),
        (
            "gender",
            "Gender as the mentee stated it. Quasi-identifier. Blank: suppressed for k-anonymity.",
            _codes("gender", Gender.choices),
        ),
        (
            "education_level",
            "Highest education level completed (ISCED 2011). Quasi-identifier. " + _BLANK_QI,
            _codes("education_level", EducationLevel.choices),
        ),
        (
            "region",
            "Region of the mentee's Belgian postcode. Place quasi-identifier (with province). "
            + _BLANK_QI,
            _codes("region", Region.choices),
        ),
        (
            "province",
            "Province of the mentee's Belgian postcode. Place quasi-identifier (with region). "
            + (
                "Blank in every row of this export: place was coarsened to the region. "
                if place == "region"
                else ""
            )
            + _BLANK_QI,
            [
                ["province", code, label, f"In region {REGION_OF[code]}."]
                for code, label in PROVINCE_LABELS.items()
            ],
        ),
        (
            "started_period",
            _period_definition("When the duo started", method)
            + " Start period quasi-identifier (with cohort).",
            [],
        ),
        ("planned_end_period", _period_definition("When the duo was planned to end", method), []),
        (
            "ended_period",
            _period_definition("When the duo ended (blank while active)", method),
            [],
        ),
        (
            "status",
            "The duo's status at extraction (only started duos are exported). Never altered.",
            _codes(
                "status",
                [(s, label) for s, label in DuoStatus.choices if s in ("active", "ended")],
            ),
        ),
        (
            "end_reason",
            "Why the duo ended; blank while active. Never altered.",
            _codes(
                "end_reason",
                EndReason.choices,
                {reason: "Counts as completed in the figures." for reason in COMPLETED},
            ),
        ),
        (
            "exit_status",
            "The mentee's situation when the duo ended, as recorded; blank: none recorded "
            "(the figures count the last duo's as unknown). Never altered.",
            _codes(
                "exit_status",
                OutcomeStatus.choices,
                {s: _group_definition(s) for s in OutcomeStatus.values},
            ),
        ),
        (
            "exit_contract",
            "Contract type, only with exit_status employed; else blank. Never altered.",
            _codes("exit_contract", ContractType.choices),
        ),
        (
            "follow_up_status",
            "The mentee's situation at the programme's follow-up point after the end; blank: "
            "none recorded. Same codes as exit_status. Never altered.",
            _codes(
                "follow_up_status",
                OutcomeStatus.choices,
                {s: _group_definition(s) for s in OutcomeStatus.values},
            ),
        ),
        (
            "follow_up_contract",
            "Contract type, only with follow_up_status employed; else blank. Never altered.",
            _codes("follow_up_contract", ContractType.choices),
        ),
        ("meetings", "Number of meetings logged for the duo. Never altered.", []),
        (
            "is_last_duo",
            "true for the trajectory's last duo (latest start): the one whose outcome counts in "
            "the figures. Never altered.",
            [["is_last_duo", "true", "Last duo", ""], ["is_last_duo", "false", "Earlier duo", ""]],
        ),
    ]
    rows = [["column", "code", "label", "definition"]]
    for column, definition, codes in columns:
        rows.append([column, "", "", definition])
        rows.extend(codes)
    groups = "; ".join(f"{name}: {', '.join(members)}" for name, members in GROUPS.items())
    rows.append(["(outcome groups)", "", "", f"Groups of statuses in the figures: {groups}."])
    return rows


def method_rows(export: ResearchExport) -> list[list]:
    """Rows of item, value, meaning."""
    method = export.method
    tried = "; ".join(
        f"{place} + {period}: {count} trajectories in combinations under {method.k}"
        for place, period, count in method.tried
    )
    rows = [
        ["item", "value", "meaning"],
        ["programme", export.programme.name, ""],
        [
            "extracted_on",
            method.extracted_on.isoformat() if method.extracted_on else "",
            "Day of the extraction (statuses are as on that day).",
        ],
        [
            "rows",
            len(export.rows),
            "Duos in data: every started duo of the programme, in the order of research_id "
            "(the order tells nothing about dates).",
        ],
        ["trajectories", method.trajectories, "Mentees (distinct research_id)."],
        [
            "k",
            method.k,
            "Every combination of the quasi-identifiers holds at least k trajectories.",
        ],
        [
            "quasi_identifiers",
            "age_band_at_entry; gender; education_level; place (region, province); "
            "start period (cohort, started_period)",
            "A blank is a value of its own when combinations are counted.",
        ],
        ["place_level", method.place_level, "Coarsening of place for the whole file."],
        [
            "period_level",
            method.period_level,
            "Coarsening of started_period, planned_end_period and ended_period for the whole "
            "file: " + ", ".join(f"{k} = {v}" for k, v in PERIOD_FORMATS.items()) + ".",
        ],
        [
            "levels_tried",
            tried,
            "From the least coarsening: place first, then period; the first level with no "
            "combination under k is applied, else the coarsest.",
        ],
    ]
    for name, count in method.blanked.items():
        rows.append(
            [
                f"blanked_{name}",
                count,
                "Rows whose value was blanked (local suppression)"
                + (
                    "; cohort, planned_end_period and ended_period are blanked with it."
                    if name == "start_period"
                    else "."
                ),
            ]
        )
    rows.append(["rows_blanked", method.rows_blanked, "Rows with at least one value blanked."])
    rows.append(
        [
            "outcomes",
            "intact",
            "status, end_reason, exit_*, follow_up_*, meetings and is_last_duo are never "
            "altered and no row is dropped.",
        ]
    )
    if method.withheld:
        rows.append(
            [
                "withheld",
                "yes",
                f"The programme has fewer than {method.k} trajectories: no row can be shipped.",
            ]
        )
    return rows


def readme(export: ResearchExport) -> str:
    method = export.method
    lines = [
        f"Pseudonymised duo-level export: {export.programme.name}",
        "",
        "Files",
        "  data.csv      one row per started duo (UTF-8 with BOM, comma-separated, header row),",
        "                in the order of research_id and duo_number",
        "  codebook.csv  every column of data.csv: its codes, their labels and definitions",
        "  method.csv    what was done to reach k-anonymity, as item, value, meaning",
        "",
        "Pseudonymisation",
        "  research_id and mentor_research_id are keyed hashes (HMAC-SHA-256, key outside the",
        "  database and this export): stable across exports, not reversible without the key.",
        "  No names, contacts, references, notes, free text or exact dates.",
        "",
        f"k-anonymity (k = {method.k})",
        "  Quasi-identifiers: age band, gender, education level, place (region, province) and",
        "  start period (cohort, started_period). Every combination of their values in data.csv",
        f"  is shared by at least {method.k} trajectories (mentees); a blank counts as a value.",
    ]
    if method.withheld:
        lines += [
            f"  The programme has fewer than {method.k} trajectories: data.csv has no rows.",
        ]
    else:
        lines += [
            f"  Applied to the whole file: place as {method.place_level}, "
            f"periods as {method.period_level} ({PERIOD_FORMATS[method.period_level]}).",
            "  Levels tried, least coarsening first:",
            *(
                f"    {place} + {period}: {count} trajectories in combinations under {method.k}"
                for place, period, count in method.tried
            ),
            "  Then blanked (local suppression, rarest values first), rows per quasi-identifier:",
            *(f"    {name}: {count}" for name, count in method.blanked.items()),
            f"  {method.rows_blanked} of {len(export.rows)} rows have a blanked value.",
            "  Where the start period is blanked, cohort, planned_end_period and ended_period",
            "  are blank too.",
            "  A blank quasi-identifier means: not recorded, or suppressed.",
        ]
    lines += [
        "",
        "Outcomes",
        "  status, end_reason, exit_status, exit_contract, follow_up_status,",
        "  follow_up_contract, meetings and is_last_duo are never altered; no row is dropped",
        "  (unless withheld as above). A trajectory's outcome is its last duo's (is_last_duo).",
        "",
    ]
    return "\n".join(lines)


# --- files ------------------------------------------------------------------------------


def _csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8


def export_response(export: ResearchExport, *, fmt: str) -> HttpResponse:
    """``fmt`` "xlsx": one workbook with sheets data, codebook and method; else
    a ZIP of data.csv, codebook.csv, method.csv and README.txt."""
    filename = f"{export.programme.slug}-research"
    sheets = {
        "data": [export.header, *export.rows],
        "codebook": codebook(export.method),
        "method": method_rows(export),
    }
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        for title, rows in sheets.items():
            sheet = workbook.create_sheet(title)
            for row in rows:
                sheet.append([None if value == "" else _cell(value) for value in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        content_type, extension = XLSX_TYPE, "xlsx"
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for title, rows in sheets.items():
                archive.writestr(f"{title}.csv", _csv_bytes(rows))
            archive.writestr("README.txt", readme(export))
        content_type, extension = "application/zip", "zip"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response
