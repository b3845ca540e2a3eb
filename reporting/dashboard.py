"""The dashboard's data: one snapshot read, fundings, and the figures for a period."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from programmes.models import Programme

from . import figures
from .models import RateSnapshot
from .rates import DENOMINATORS, POINTS

BREAKDOWNS = ("gender", "age_band", "education_level")
COORDINATOR_BREAKDOWNS = (*BREAKDOWNS, "migration_background")


@dataclass
class Period:
    first: int | None
    last: int | None

    def cohorts(self, snapshot: RateSnapshot) -> set[int] | None:
        if self.first is None and self.last is None:
            return None
        years = {r["cohort"] for r in snapshot.rows if r["cohort"] is not None}
        return {y for y in years if (self.first or y) <= y <= (self.last or y)}

    def contains(self, year: int) -> bool:
        return (self.first or year) <= year <= (self.last or year)


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("1"))


def funding_lines(programme: Programme, activity: list[dict], period: Period) -> list[dict]:
    """Each funding overlapping the period: duos started in its years against its
    target, and the cost per duo both ways (planned = amount ÷ target, actual =
    amount ÷ duos started)."""
    started = {row["year"]: row["duos_started"] for row in activity}
    lines = []
    for funding in programme.fundings.select_related("funder").order_by("starts_on"):
        years = range(funding.starts_on.year, funding.ends_on.year + 1)
        if not any(period.contains(y) for y in years):
            continue
        duos = sum(started.get(y, 0) for y in years)
        lines.append(
            {
                "funding": funding,
                "duos_started": duos,
                "planned_cost": _money(funding.planned_cost_per_duo),
                "actual_cost": _money(funding.amount / duos) if duos else None,
            }
        )
    return lines


def cohort_series(snapshot: RateSnapshot, period: Period, *, suppress: bool) -> list[dict]:
    """Per cohort: the exit and follow-up rates over the completed, for the chart and its table."""
    series = []
    years = sorted({r["cohort"] for r in snapshot.rows if r["cohort"] is not None})
    for year in years:
        if not period.contains(year):
            continue
        rows = {(r["point"], r["denominator"]): r for r in snapshot.rows if r["cohort"] == year}
        series.append(
            {
                "cohort": year,
                "exit": figures.figure(rows[("exit", "completed")], suppress=suppress),
                "follow_up": figures.figure(rows[("follow_up", "completed")], suppress=suppress),
            }
        )
    return series


def dashboard(
    programme: Programme, snapshot: RateSnapshot, period: Period, *, suppress: bool
) -> dict:
    cohorts = period.cohorts(snapshot)
    combined = figures.combine(snapshot.rows, cohorts)
    table = [
        figures.figure(combined[(point, denominator)], suppress=suppress)
        for point in POINTS
        for denominator in DENOMINATORS
    ]
    activity = [row for row in snapshot.activity if period.contains(row["year"])]
    duos_started = sum(row["duos_started"] for row in activity)
    meetings = sum(row["meetings"] for row in activity)
    dimensions = BREAKDOWNS if suppress else COORDINATOR_BREAKDOWNS
    breakdowns = {
        (dimension, point): figures.breakdown(
            snapshot.breakdowns,
            dimension=dimension,
            cohorts=cohorts,
            point=point,
            denominator="completed",
            suppress=suppress,
        )
        for dimension in dimensions
        for point in POINTS
    }
    return {
        "table": table,
        "duos_started": figures.count_cells({"n": duos_started}, suppress=suppress)["n"],
        "meetings_per_duo": round(meetings / duos_started, 1) if duos_started else None,
        "fundings": funding_lines(programme, snapshot.activity, period),
        "series": cohort_series(snapshot, period, suppress=suppress),
        "breakdowns": breakdowns,
        "dimensions": dimensions,
        "years": sorted({r["year"] for r in snapshot.activity}),
    }


def chart_bars(series: list[dict], *, width: int = 640, height: int = 220) -> dict:
    """Geometry of a server-rendered SVG bar chart: employed and positive rate at
    exit per cohort (over the completed). Hidden figures leave a gap."""
    left, bottom, top = 40, height - 30, 10
    slot = (width - left - 10) / max(len(series), 1)
    bars = []
    for k, item in enumerate(series):
        x = left + k * slot
        for offset, group, css in (
            (0.15, "employed", "bar-employed"),
            (0.5, "positive", "bar-positive"),
        ):
            cell = item["exit"].rates[group]
            if cell.hidden or cell.value is None:
                continue
            h = (bottom - top) * cell.value
            bars.append(
                {
                    "x": round(x + slot * offset, 1),
                    "y": round(bottom - h, 1),
                    "w": round(slot * 0.3, 1),
                    "h": round(h, 1),
                    "css": css,
                    "label": f"{item['cohort']}: {cell.text}",
                }
            )
    ticks = [
        {"y": round(bottom - (bottom - top) * p / 100, 1), "label": f"{p} %"}
        for p in (0, 25, 50, 75, 100)
    ]
    labels = [
        {"x": round(left + (k + 0.5) * slot, 1), "text": str(s["cohort"])}
        for k, s in enumerate(series)
    ]
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "ticks": ticks,
        "labels": labels,
        "left": left,
        "bottom": bottom,
    }
