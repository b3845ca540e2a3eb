"""What the dashboards show, from the latest snapshot: figures for a period of
cohorts, rounded for screens, and suppressed for funders (DESIGN.md):

- a count from 1 to 4 shows as "<5";
- a rate shows only when n ≥ 10;
- when one cell of a breakdown is hidden and its total shown, the next
  smallest is hidden too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .rates import DENOMINATORS, GROUPS, POINTS, STATUSES

SMALL = "<5"
MIN_N_FOR_RATE = 10


def percent(rate: float | None) -> str | None:
    """Screens: half up to one decimal (0.50657 → "50.7")."""
    if rate is None:
        return None
    value = (Decimal(str(rate)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}"


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
        into = combined.setdefault(
            key,
            {"n": 0, "counts": dict.fromkeys(STATUSES, 0), "provisional": False, **_key(key)},
        )
        into["n"] += row["n"]
        for status, count in row["counts"].items():
            into["counts"][status] += count
        into["provisional"] |= row["provisional"]
    for key in [(p, d) for p in POINTS for d in DENOMINATORS]:
        combined.setdefault(
            key, {"n": 0, "counts": dict.fromkeys(STATUSES, 0), "provisional": False, **_key(key)}
        )
        _rates(combined[key])
    return combined


def _key(key):
    return {"point": key[0], "denominator": key[1]}


def _rates(row: dict) -> None:
    n = row["n"]
    row["rates"] = {
        g: (sum(row["counts"][s] for s in members) / n if n else None)
        for g, members in GROUPS.items()
    }
    row["unknown_share"] = row["counts"]["unknown"] / n if n else None


@dataclass
class Cell:
    """One number as shown: its text, and whether it was suppressed."""

    text: str
    hidden: bool = False
    value: float | int | None = None


@dataclass
class Figure:
    point: str
    denominator: str
    n: Cell
    counts: dict[str, Cell] = field(default_factory=dict)
    rates: dict[str, Cell] = field(default_factory=dict)
    unknown_share: Cell | None = None
    provisional: bool = False


def count_cells(counts: dict[str, int], *, suppress: bool) -> dict[str, Cell]:
    """Counts of a breakdown whose total is shown, with complementary suppression."""
    cells = {k: Cell(str(v), value=v) for k, v in counts.items()}
    if not suppress:
        return cells
    hidden = [k for k, v in counts.items() if 1 <= v <= 4]
    if len(hidden) == 1:  # alone, it could be worked out from the total: hide the next smallest
        others = sorted((v, k) for k, v in counts.items() if v > 0 and k not in hidden)
        if others:
            hidden.append(others[0][1])
    for key in hidden:
        cells[key] = Cell(SMALL if 1 <= counts[key] <= 4 else "·", hidden=True)
    return cells


def figure(row: dict, *, suppress: bool) -> Figure:
    n = row["n"]
    counts = count_cells(row["counts"], suppress=suppress)
    rates = {}
    for group in GROUPS:
        hide = suppress and n < MIN_N_FOR_RATE
        rate = row["rates"][group]
        rates[group] = Cell("—", hidden=True) if hide else Cell(_pct(rate), value=rate)
    unknown = row["unknown_share"]
    hide_unknown = suppress and n < MIN_N_FOR_RATE
    return Figure(
        point=row["point"],
        denominator=row["denominator"],
        n=Cell(SMALL, hidden=True) if suppress and 1 <= n <= 4 else Cell(str(n), value=n),
        counts=counts,
        rates=rates,
        unknown_share=Cell("—", hidden=True)
        if hide_unknown
        else Cell(_pct(unknown), value=unknown),
        provisional=row["provisional"],
    )


def _pct(rate: float | None) -> str:
    text = percent(rate)
    return "—" if text is None else f"{text} %"


def breakdown(
    rows: list[dict], *, dimension: str, cohorts, point: str, denominator: str, suppress: bool
):
    """n and the employed and positive rates per value of a dimension."""
    per_value: dict[str, list[dict]] = {}
    for row in rows:
        if (
            row["dimension"] == dimension
            and row["point"] == point
            and row["denominator"] == denominator
        ):
            if cohorts is None or row["cohort"] in cohorts:
                per_value.setdefault(row["value"], []).append({**row, "cohort": 0})
    combined = {
        value: combine(vrows, {0})[(point, denominator)]
        for value, vrows in sorted(per_value.items())
    }
    n_cells = count_cells({v: r["n"] for v, r in combined.items()}, suppress=suppress)
    result = []
    for value, row in combined.items():
        shown = figure(row, suppress=suppress)
        if n_cells[value].hidden:
            shown.rates = {g: Cell("—", hidden=True) for g in shown.rates}
        result.append((value, n_cells[value], shown))
    return result
