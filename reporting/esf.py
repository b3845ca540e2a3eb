"""ESF+ common indicators of a programme over a period (Regulation (EU) 2021/1057,
Annex I), as plain functions over querysets.

The API other code may rely on (the funder's yearly report uses it):

- ``indicators(programme=..., start=..., end=...) -> list[Indicator]``: every
  indicator in the order of the page, unsuppressed;
- ``shown_indicators(indicators, full=...) -> list[ShownIndicator]``: the same
  rows as cells (``programmes.suppression.Cell``), suppressed for funders and
  evaluators (``full=False``), in full for the programme's coordinators.

Codes are the Commission's (EECO01…EECO14 outputs, EECR01…EECR05 results);
two are ours, the bases of the result families: ``LEAVERS`` (participants
leaving in the period) and ``LEAVERS_FOLLOWED`` (those leavers whose follow-up
point is reached).

Definitions (also on the page):

- A participant is a mentee of the programme. They **enter** on the start date
  of their first duo there (one trajectory per mentee and programme, as in
  DESIGN.md); output indicators count the participants who entered within
  [start, end], with their situation at entry as recorded at intake.
- Age is the age on the entry date, from the birth date (missing without one).
- Foreign background (EECO14) and disability (EECO12) are special-category
  data: counted only where recorded with consent (``special_consent_at`` set and
  the answer not empty); everything else is missing, never guessed.
- A participant **leaves** when the last duo of their trajectory (latest start)
  ended, within [start, end]. Upon leaving is the exit outcome of that duo:
  job searching = ``still_searching``; in education or training = ``training``,
  ``studies`` or ``internship``; in employment = ``employed`` or
  ``self_employed``; gaining a qualification = ``qualification_gained`` is yes.
  No exit outcome, or ``unknown``, is missing.
- Six months after leaving is the programme's follow-up outcome (its follow-up
  horizon, ``Programme.follow_up_months``, normally 6), counted for the leavers
  whose leaving date + the horizon is on or before ``end`` and today.

Each family (the situations at entry, the age bands, …) is counted in one
query with conditional aggregation grouped by gender: two queries in all, however
many participants.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from duos.models import Duo, EmploymentStatus, Gender, Mentee, OutcomeStatus
from programmes.models import EducationLevel, Programme
from programmes.suppression import Cell, Sheet, suppress
from reporting.rates import last_duos

GENDERS: tuple[str, ...] = tuple(Gender.values)  # female, male, non_binary, not_stated
OUTPUT, RESULT, LONGER_TERM = "output", "result", "longer_term"
KINDS = {
    OUTPUT: _("Output indicators (at entry)"),
    RESULT: _("Result indicators (upon leaving)"),
    LONGER_TERM: _("Longer-term result indicators (six months after leaving)"),
}


@dataclass(frozen=True)
class Indicator:
    """One indicator: ``total`` = Σ ``by_gender``; ``missing`` counts the
    participants of its base for whom the value is not known (shared by every
    indicator of the family); ``missing_by_gender`` is the same split by gender
    (never shown, but a total must not give it back)."""

    code: str
    label: Promise
    kind: str  # "output", "result" or "longer_term"
    family: str
    by_gender: dict[str, int]
    missing: int
    missing_by_gender: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_gender.values())


@dataclass(frozen=True)
class ShownIndicator:
    """An indicator as a reader sees it: each figure a ``Cell``."""

    code: str
    label: Promise
    kind: str
    total: Cell
    by_gender: dict[str, Cell]
    missing: Cell


@dataclass(frozen=True)
class Family:
    """Indicators that split one base: each participant of ``base`` is in at
    most one of ``parts`` or missing (the rest is in no published part). A
    ``nested`` indicator is a subset of another (long-term unemployed within the
    unemployed)."""

    base: str
    parts: tuple[str, ...]
    nested: tuple[tuple[str, str], ...] = ()  # (subset, superset)


TOTAL, LEAVERS, FOLLOWED = "EECO11", "LEAVERS", "LEAVERS_FOLLOWED"
FAMILIES = {
    "total": Family(base=TOTAL, parts=()),
    "employment": Family(
        base=TOTAL, parts=("EECO01", "EECO03", "EECO04"), nested=(("EECO02", "EECO01"),)
    ),
    "age": Family(base=TOTAL, parts=("EECO05", "EECO06", "EECO07")),
    "education": Family(base=TOTAL, parts=("EECO08", "EECO09", "EECO10")),
    "foreign": Family(base=TOTAL, parts=("EECO14",)),
    "disability": Family(base=TOTAL, parts=("EECO12",)),
    "leavers": Family(base=LEAVERS, parts=()),
    "exit": Family(base=LEAVERS, parts=("EECR01", "EECR02", "EECR04")),
    "qualification": Family(base=LEAVERS, parts=("EECR03",)),
    "followed": Family(base=FOLLOWED, parts=()),
    "follow_up": Family(base=FOLLOWED, parts=("EECR05",)),
}

# code → (kind, family, label), in the order of the page
CATALOGUE: dict[str, tuple[str, str, Promise]] = {
    "EECO01": (OUTPUT, "employment", _("Unemployed, including long-term unemployed")),
    "EECO02": (OUTPUT, "employment", _("Long-term unemployed")),
    "EECO03": (OUTPUT, "employment", _("Inactive")),
    "EECO04": (OUTPUT, "employment", _("Employed, including self-employed")),
    "EECO05": (OUTPUT, "age", _("Under 18 years of age")),
    "EECO06": (OUTPUT, "age", _("Aged 18 to 29")),
    "EECO07": (OUTPUT, "age", _("Aged 55 and over")),
    "EECO08": (OUTPUT, "education", _("With lower secondary education or less (ISCED 0–2)")),
    "EECO09": (OUTPUT, "education", _("With upper secondary or post-secondary (ISCED 3–4)")),
    "EECO10": (OUTPUT, "education", _("With tertiary education (ISCED 5–8)")),
    "EECO12": (OUTPUT, "disability", _("Participants with disabilities")),
    "EECO14": (OUTPUT, "foreign", _("Participants with a foreign background")),
    TOTAL: (OUTPUT, "total", _("Total number of participants")),
    LEAVERS: (RESULT, "leavers", _("Participants leaving (base of the result indicators)")),
    "EECR01": (RESULT, "exit", _("Engaged in job searching upon leaving")),
    "EECR02": (RESULT, "exit", _("In education or training upon leaving")),
    "EECR03": (RESULT, "qualification", _("Gaining a qualification upon leaving")),
    "EECR04": (RESULT, "exit", _("In employment, including self-employment, upon leaving")),
    FOLLOWED: (
        LONGER_TERM,
        "followed",
        _("Leavers whose follow-up point is reached (base of the longer-term indicator)"),
    ),
    "EECR05": (
        LONGER_TERM,
        "follow_up",
        _("In employment, including self-employment, six months after leaving"),
    ),
}

EMPLOYED = (OutcomeStatus.EMPLOYED, OutcomeStatus.SELF_EMPLOYED)
EDUCATION = (OutcomeStatus.TRAINING, OutcomeStatus.STUDIES, OutcomeStatus.INTERNSHIP)


# --- counting ----------------------------------------------------------------------------


def _age_at_entry():
    """Whole years between the birth date and the entry date, in SQL (no
    per-row Python): the year difference, minus one before the birthday."""
    before_birthday = Case(
        When(entry_md__lt=F("birth_md"), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return F("entry_year") - F("birth_year") - before_birthday


def _participants(programme: Programme):
    """Mentees of the programme with their entry date (their first duo's start)."""
    first_start = (
        Duo.objects.filter(
            mentee_id=OuterRef("pk"),
            programme=programme,
            started_on__isnull=False,
            status__in=[Duo.Status.ACTIVE, Duo.Status.ENDED],
        )
        .order_by("started_on")
        .values("started_on")[:1]
    )
    return Mentee.objects.filter(programme=programme).annotate(entry=Subquery(first_start))


def _output_conditions() -> dict[str, Q]:
    """Each output count (and each family's missing) as a condition on a
    participant annotated with ``entry`` and ``age``."""
    consent = Q(special_consent_at__isnull=False)
    known_age = Q(birth_date__isnull=False, birth_date__lte=F("entry"))
    status = "employment_status_at_entry"
    unemployed = [EmploymentStatus.UNEMPLOYED, EmploymentStatus.LONG_TERM_UNEMPLOYED]
    return {
        TOTAL: Q(),
        "EECO01": Q(**{f"{status}__in": unemployed}),
        "EECO02": Q(**{status: EmploymentStatus.LONG_TERM_UNEMPLOYED}),
        "EECO03": Q(**{status: EmploymentStatus.INACTIVE}),
        "EECO04": Q(**{status: EmploymentStatus.EMPLOYED}),
        "missing|employment": Q(**{status: ""}),
        "EECO05": known_age & Q(age__lt=18),
        "EECO06": known_age & Q(age__gte=18, age__lte=29),
        "EECO07": known_age & Q(age__gte=55),
        "missing|age": ~known_age,
        "EECO08": Q(education_level=EducationLevel.ISCED_0_2),
        "EECO09": Q(education_level=EducationLevel.ISCED_3_4),
        "EECO10": Q(education_level=EducationLevel.ISCED_5_8),
        "missing|education": Q(education_level=""),
        "EECO14": consent & Q(migration_background=True),
        "missing|foreign": ~(consent & Q(migration_background__isnull=False)),
        "EECO12": consent & Q(disability=True),
        "missing|disability": ~(consent & Q(disability__isnull=False)),
    }


def _output_counts(programme: Programme, *, start: dt.date, end: dt.date) -> dict[str, dict]:
    """One query: every output count per gender, for the participants who
    entered within [start, end]."""
    conditions = _output_conditions()
    rows = (
        _participants(programme)
        .filter(entry__gte=start, entry__lte=end)
        .annotate(
            entry_year=ExtractYear("entry"),
            birth_year=ExtractYear("birth_date"),
            entry_md=ExtractMonth("entry") * 100 + ExtractDay("entry"),
            birth_md=ExtractMonth("birth_date") * 100 + ExtractDay("birth_date"),
        )
        .annotate(age=_age_at_entry())
        .order_by()
        .values("gender")
        .annotate(**{key: Count("pk", filter=where) for key, where in conditions.items()})
    )
    return _by_key(rows, "gender", conditions)


def _result_counts(
    programme: Programme, *, start: dt.date, end: dt.date, today: dt.date
) -> dict[str, dict]:
    """One query: every result count per gender, over the trajectories whose
    last duo ended within [start, end] (``rates.last_duos``)."""
    horizon_end = min(end, today) - relativedelta(months=programme.follow_up_months)
    followed = Q(ended_on__lte=horizon_end)
    qualification = "exit_outcome__qualification_gained"
    conditions = {
        LEAVERS: Q(),
        "EECR01": Q(exit_status=OutcomeStatus.STILL_SEARCHING),
        "EECR02": Q(exit_status__in=EDUCATION),
        "EECR04": Q(exit_status__in=EMPLOYED),
        "missing|exit": Q(exit_status=OutcomeStatus.UNKNOWN),
        "EECR03": Q(**{qualification: True}),
        "missing|qualification": Q(**{f"{qualification}__isnull": True}),
        FOLLOWED: followed,
        "EECR05": followed & Q(follow_up_status__in=EMPLOYED),
        "missing|follow_up": followed & Q(follow_up_status=OutcomeStatus.UNKNOWN),
    }
    rows = (
        last_duos(programme)
        .filter(ended_on__gte=start, ended_on__lte=end)
        .order_by()
        .values("mentee__gender")
        .annotate(**{key: Count("pk", filter=where) for key, where in conditions.items()})
    )
    return _by_key(rows, "mentee__gender", conditions)


def _by_key(rows, gender_field: str, conditions: dict) -> dict[str, dict[str, int]]:
    counts = {key: dict.fromkeys(GENDERS, 0) for key in conditions}
    for row in rows:
        gender = row[gender_field]
        if gender not in GENDERS:  # the database constraint forbids it; never lose a count
            gender = Gender.NOT_STATED
        for key in conditions:
            counts[key][gender] += row[key]
    return counts


def indicators(
    *, programme: Programme, start: dt.date, end: dt.date, today: dt.date | None = None
) -> list[Indicator]:
    """Every ESF+ common indicator of ``programme`` for [start, end], unsuppressed,
    in the order of ``CATALOGUE``. Two queries."""
    today = today or timezone.localdate()
    counts = _output_counts(programme, start=start, end=end)
    counts |= _result_counts(programme, start=start, end=end, today=today)
    rows = []
    for code, (kind, family, label) in CATALOGUE.items():
        missing = counts.get(f"missing|{family}", dict.fromkeys(GENDERS, 0))
        rows.append(
            Indicator(
                code=code,
                label=label,
                kind=kind,
                family=family,
                by_gender=counts[code],
                missing=sum(missing.values()),
                missing_by_gender=missing,
            )
        )
    return rows


def horizon_warning(programme: Programme) -> bool:
    """Whether the programme's follow-up horizon differs from the ESF's six months."""
    return programme.follow_up_months != 6


# --- suppression -------------------------------------------------------------------------


def _sheet(rows: Sequence[Indicator]) -> Sheet:
    """The indicators as a ``Sheet``: each total is the sum of its gender cells;
    each family's base is the sum of its parts, its missing and the rest (the
    participants in no published part, unpublished), per gender and in total, so
    a hidden count cannot be worked out from the other indicators either."""
    sheet = Sheet()
    by_code = {row.code: row for row in rows}
    for row in rows:
        sheet.count((row.code, "total"), row.total)
        for gender in GENDERS:
            sheet.count((row.code, gender), row.by_gender[gender])
        sheet.add_sum((row.code, "total"), [(row.code, g) for g in GENDERS])
        if FAMILIES[row.family].parts:
            missing = ("missing", row.family)
            sheet.count(missing, row.missing)
            for gender in GENDERS:
                sheet.count((*missing, gender), row.missing_by_gender[gender], published=False)
            sheet.add_sum(missing, [(*missing, g) for g in GENDERS])
    for name, family in FAMILIES.items():
        if not family.parts or family.base not in by_code:
            continue
        base = by_code[family.base]
        parts = [by_code[code] for code in family.parts if code in by_code]
        for gender in (*GENDERS, "total"):
            cell = gender if gender != "total" else None
            rest_key = ("rest", name, gender)
            rest = _value(base, cell) - sum(_value(p, cell) for p in parts)
            rest -= _missing(parts[0], cell) if parts else 0
            sheet.count(rest_key, max(rest, 0), published=False)
            missing_key = ("missing", name) if cell is None else ("missing", name, gender)
            sheet.add_sum(
                (base.code, gender),
                [*((p.code, gender) for p in parts), missing_key, rest_key],
            )
            for subset, superset in family.nested:
                if subset in by_code and superset in by_code:
                    nested_rest = ("rest", name, subset, gender)
                    value = _value(by_code[superset], cell) - _value(by_code[subset], cell)
                    sheet.count(nested_rest, max(value, 0), published=False)
                    sheet.add_sum((superset, gender), [(subset, gender), nested_rest])
    return sheet


def _value(row: Indicator, gender: str | None) -> int:
    return row.total if gender is None else row.by_gender[gender]


def _missing(row: Indicator, gender: str | None) -> int:
    return row.missing if gender is None else row.missing_by_gender[gender]


def shown_indicators(rows: Sequence[Indicator], *, full: bool) -> list[ShownIndicator]:
    """The indicators as cells, through the one suppression function
    (``programmes.suppression.suppress``): funders and evaluators always get
    ``full=False`` (no count from 1 to 4, none that can be worked out), the
    programme's coordinators ``full=True``."""
    cells = suppress(_sheet(rows), full=full)
    shown = []
    for row in rows:
        if FAMILIES[row.family].parts:
            missing = cells[("missing", row.family)]
        else:
            missing = Cell("", value=None)  # a base: nothing can be missing
        shown.append(
            ShownIndicator(
                code=row.code,
                label=row.label,
                kind=row.kind,
                total=cells[(row.code, "total")],
                by_gender={g: cells[(row.code, g)] for g in GENDERS},
                missing=missing,
            )
        )
    return shown
