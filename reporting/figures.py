"""What the dashboards show, from the latest snapshot: the figures of a period of
cohorts, described as one sheet and suppressed for funders and evaluators by the
one suppression function (``programmes.suppression``, DESIGN.md), so that the
screen, its downloads and the funder's home show the same cells.

Every row of figures (all cohorts, one cohort, one value of a breakdown) puts
its counts on the sheet with the sums that tie them: n = its statuses = its
groups, positive = employed + training + internship, each group = its statuses.
The rows of the cohorts of a period, and those of the values of a breakdown,
add up to the period's row: those sums are on the sheet too, so complementary
suppression covers them (rates included).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from duos.models import AgeBand, Gender
from programmes.models import EducationLevel
from programmes.suppression import Cell, Sheet

from .rates import DENOMINATORS, GROUPS, POINTS, STATUSES

ALL = ("all",)  # the scope of the period's own row (every cohort of the period)
TOP_GROUPS = ("employed", "training", "internship", "still_searching", "other")  # n, split
POSITIVE = ("employed", "training", "internship")


def combine(rows: list[dict], cohorts: set[int] | None) -> dict[tuple[str, str], dict]:
    """Sum per-cohort rows into one row per (point, denominator).

    ``cohorts`` None means every cohort (the snapshot's all-cohorts rows)."""
    if cohorts is None:
        return {(r["point"], r["denominator"]): r for r in rows if r["cohort"] is None}
    combined: dict[tuple[str, str], dict] = {}
    for row in rows:
        if row["cohort"] is None or row["cohort"] not in cohorts:
            continue
        key = (row["point"], row["denominator"])
        into = combined.setdefault(key, _empty(key))
        into["n"] += row["n"]
        for status, count in row["counts"].items():
            into["counts"][status] += count
        into["provisional"] |= row["provisional"]
    for key in [(p, d) for p in POINTS for d in DENOMINATORS]:
        combined.setdefault(key, _empty(key))
    return combined


def _empty(key: tuple[str, str]) -> dict:
    return {
        "point": key[0],
        "denominator": key[1],
        "n": 0,
        "counts": dict.fromkeys(STATUSES, 0),
        "provisional": False,
    }


def breakdown_rows(
    rows: list[dict], *, dimension: str, cohorts, point: str, denominator: str
) -> dict[str, dict]:
    """Value of the dimension → its row over the period's cohorts."""
    per_value: dict[str, list[dict]] = {}
    for row in rows:
        if (
            row["dimension"] == dimension
            and row["point"] == point
            and row["denominator"] == denominator
            and (cohorts is None or row["cohort"] in cohorts)
        ):
            per_value.setdefault(row["value"], []).append({**row, "cohort": 0})
    return {
        value: combine(vrows, {0})[(point, denominator)]
        for value, vrows in sorted(per_value.items())
    }


# --- the sheet: keys of a row's cells ---------------------------------------------------


def n_key(scope: tuple, denominator: str) -> tuple:
    """n depends on the denominator only: the same cell at exit and at follow-up."""
    return (*scope, denominator, "n")


def status_key(scope: tuple, denominator: str, point: str, status: str) -> tuple:
    return (*scope, denominator, point, "status", status)


def group_key(scope: tuple, denominator: str, point: str, group: str) -> tuple:
    """A group of one status (internship, still searching) is that status' cell."""
    members = GROUPS[group]
    if len(members) == 1:
        return status_key(scope, denominator, point, members[0])
    return (*scope, denominator, point, "group", group)


def rate_key(scope: tuple, denominator: str, point: str, group: str) -> tuple:
    return (*scope, denominator, point, "rate", group)


def unknown_key(scope: tuple, denominator: str, point: str) -> tuple:
    return (*scope, denominator, point, "unknown_share")


def _count_keys(scope: tuple, denominator: str, point: str) -> list[tuple]:
    keys = [n_key(scope, denominator)]
    keys += [status_key(scope, denominator, point, s) for s in STATUSES]
    keys += [group_key(scope, denominator, point, g) for g, m in GROUPS.items() if len(m) > 1]
    return keys


def add_row(
    sheet: Sheet,
    scope: tuple,
    denominator: str,
    point: str,
    row: dict,
    *,
    shown: Sequence[str] | None = None,
) -> None:
    """Put one row of figures on the sheet. ``shown`` names the groups whose rates
    the page shows; None means everything (n, every status, every group's rate
    and the unknown share)."""
    everything = shown is None
    shown_statuses = set(STATUSES) if everything else set()
    n = n_key(scope, denominator)
    sheet.count(n, row["n"])
    for status in STATUSES:
        key = status_key(scope, denominator, point, status)
        sheet.count(key, row["counts"][status], published=status in shown_statuses)
    groups = {}
    for group, members in GROUPS.items():
        groups[group] = key = group_key(scope, denominator, point, group)
        if len(members) > 1:
            value = sum(row["counts"][m] for m in members)
            sheet.count(key, value, published=everything or group in shown)
            sheet.add_sum(key, [status_key(scope, denominator, point, m) for m in members])
    sheet.add_sum(n, [status_key(scope, denominator, point, s) for s in STATUSES])
    sheet.add_sum(n, [groups[g] for g in TOP_GROUPS])
    sheet.add_sum(n, [groups["positive"], groups["still_searching"], groups["other"]])
    sheet.add_sum(groups["positive"], [groups[g] for g in POSITIVE])
    for group in GROUPS if everything else shown:
        sheet.rate(rate_key(scope, denominator, point, group), groups[group], n)
    if everything:
        unknown = status_key(scope, denominator, point, "unknown")
        sheet.rate(unknown_key(scope, denominator, point), unknown, n)


def add_parts(
    sheet: Sheet, parts: Iterable[tuple], denominator: str, points: Iterable[str]
) -> None:
    """The rows of ``parts`` (cohorts, values of a breakdown) add up, cell by
    cell, to the period's row."""
    parts = list(parts)
    if not parts:  # a period without cohorts: its row is all zeros
        return
    for point in points:
        totals = _count_keys(ALL, denominator, point)
        columns = zip(*(_count_keys(part, denominator, point) for part in parts), strict=True)
        for total, column in zip(totals, columns, strict=True):
            sheet.add_sum(total, column)


# --- the shown figures ------------------------------------------------------------------


@dataclass
class Figure:
    point: str
    denominator: str
    n: Cell
    counts: dict[str, Cell] = field(default_factory=dict)
    rates: dict[str, Cell] = field(default_factory=dict)
    unknown_share: Cell | None = None
    provisional: bool = False
    query: str = ""  # the drill-down's parameters for this row (coordinators' links)


def figure(
    cells: dict, scope: tuple, denominator: str, point: str, row: dict, *, shown=None
) -> Figure:
    """One row as shown, read from the suppressed cells."""
    groups = GROUPS if shown is None else shown
    return Figure(
        point=point,
        denominator=denominator,
        n=cells[n_key(scope, denominator)],
        counts={s: cells[status_key(scope, denominator, point, s)] for s in STATUSES}
        if shown is None
        else {},
        rates={g: cells[rate_key(scope, denominator, point, g)] for g in groups},
        unknown_share=cells.get(unknown_key(scope, denominator, point)),
        provisional=row["provisional"],
    )


# --- labels of the breakdowns' values ----------------------------------------------------

VALUE_CHOICES = {"gender": Gender, "age_band": AgeBand, "education_level": EducationLevel}


def dimension_values(dimension: str) -> list[str]:
    """Every value a breakdown row can hold (``rates._value``): the codes of the
    dimension, "not_recorded", and yes / no for migration background."""
    if dimension == "migration_background":
        return ["yes", "no", "not_recorded"]
    return [*VALUE_CHOICES[dimension].values, "not_recorded"]


def value_label(dimension: str, value: str) -> str:
    """The label a person reads for a breakdown's value (never its code)."""
    if value == "not_recorded":
        return _("Not recorded")
    if dimension == "migration_background":
        return _("Yes") if value == "yes" else _("No")
    choices = VALUE_CHOICES.get(dimension)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return value
