"""The dashboard's data: one snapshot read, the fundings the reader may see, and
every figure of a period, suppressed at once for funders and evaluators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import Funding
from programmes.suppression import Cell, Sheet, suppress

from . import figures
from .figures import ALL, Figure, dimension_values, value_label
from .models import RateSnapshot
from .rates import DENOMINATORS, POINTS

BREAKDOWNS = ("gender", "age_band", "education_level")
COORDINATOR_BREAKDOWNS = (*BREAKDOWNS, "migration_background")
SHOWN_RATES = ("employed", "positive")  # per cohort and per value of a breakdown
DUOS_STARTED = ("activity", "duos_started")
MEETINGS_PER_DUO = ("activity", "meetings_per_duo")


@dataclass
class Period:
    """A range of cohort years; None at either end means "from the first" or "up
    to the last"."""

    first: int | None
    last: int | None

    def cohorts(self, snapshot: RateSnapshot) -> set[int] | None:
        if self.first is None and self.last is None:
            return None
        years = {r["cohort"] for r in snapshot.rows if r["cohort"] is not None}
        return {y for y in years if (self.first or y) <= y <= (self.last or y)}

    def contains(self, year: int) -> bool:
        return (self.first or year) <= year <= (self.last or year)

    def running(self, today: dt.date) -> bool:
        """Whether a chosen period reaches into the current year ("from 2024", "2026").
        Every cohort (nothing chosen) is not a period of its own: False."""
        if self.first is None and self.last is None:
            return False
        return self.last is None or self.last >= today.year

    @property
    def label(self) -> str:
        if self.first is None and self.last is None:
            return _("all cohorts")
        if self.first == self.last:
            return str(self.first)
        if self.last is None:
            return _("from %(year)s") % {"year": self.first}
        if self.first is None:
            return _("up to %(year)s") % {"year": self.last}
        return f"{self.first}\N{EN DASH}{self.last}"

    def params(self) -> dict[str, int]:
        """The period as drill-down parameters (cohort years)."""
        return {k: v for k, v in (("from", self.first), ("to", self.last)) if v is not None}


class BreakdownRow(NamedTuple):
    """One value of a breakdown: its code (machine formats), its label (screens),
    its n and its figures."""

    value: str
    label: str
    n: Cell
    figure: Figure


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("1"))


def _funding_lines(
    sheet: Sheet,
    fundings: Iterable[Funding],
    activity: list[dict],
    period: Period,
    today: dt.date,
) -> list[dict]:
    """Each funding overlapping the period: duos started in its years against its
    target, and the cost per duo both ways (planned = amount ÷ target, actual =
    amount ÷ duos started, a figure worked out from that count). ``so_far``:
    the funding period (or the period shown) is still running, so the duos
    started and the actual cost are figures so far, never final ones.

    Duos are counted per calendar year of their start (the snapshot's activity),
    so a funding period is read as the whole years it touches."""
    started = {row["year"]: row["duos_started"] for row in activity}
    lines = []
    for funding in sorted(fundings, key=lambda f: (f.starts_on, f.pk)):
        years = range(funding.starts_on.year, funding.ends_on.year + 1)
        if not any(period.contains(y) for y in years):
            continue
        duos = sum(started.get(y, 0) for y in years)
        key = ("funding", funding.pk)
        sheet.count((*key, "duos_started"), duos)
        sheet.derived(
            (*key, "actual_cost"),
            _money(funding.amount / duos) if duos else None,
            from_counts=[(*key, "duos_started")],
        )
        lines.append(
            {
                "funding": funding,
                "planned_cost": _money(funding.planned_cost_per_duo),
                "so_far": funding.ends_on >= today or period.running(today),
            }
        )
    return lines


def _cohort_rows(snapshot: RateSnapshot, period: Period) -> dict[int, dict]:
    """Cohort year (in the period) → its rows by (point, denominator)."""
    per_year: dict[int, dict] = {}
    for row in snapshot.rows:
        if row["cohort"] is not None and period.contains(row["cohort"]):
            per_year.setdefault(row["cohort"], {})[(row["point"], row["denominator"])] = row
    return dict(sorted(per_year.items()))


@dataclass
class _Rows:
    """The rows of figures of a period, before suppression."""

    table: dict[tuple[str, str], dict]  # (point, denominator) → the period's row
    years: dict[int, dict]  # cohort → its rows
    values: dict[tuple[str, str], dict[str, dict]]  # (dimension, point) → value → row


def _rows(snapshot: RateSnapshot, period: Period, dimensions) -> _Rows:
    cohorts = period.cohorts(snapshot)
    values = {
        (dimension, point): figures.breakdown_rows(
            snapshot.breakdowns,
            dimension=dimension,
            cohorts=cohorts,
            point=point,
            denominator="completed",
        )
        for dimension in dimensions
        for point in POINTS
    }
    return _Rows(figures.combine(snapshot.rows, cohorts), _cohort_rows(snapshot, period), values)


def _outcome_sheet(sheet: Sheet, rows: _Rows) -> None:
    """The period's rows (everything), each cohort's and each value's (n, employed
    and positive), and the sums tying cohorts and values to the period."""
    for (point, denominator), row in rows.table.items():
        figures.add_row(sheet, ALL, denominator, point, row)
    for year, by_key in rows.years.items():
        for point in POINTS:
            row = by_key[(point, "completed")]
            figures.add_row(sheet, ("cohort", year), "completed", point, row, shown=SHOWN_RATES)
    figures.add_parts(sheet, [("cohort", y) for y in rows.years], "completed", POINTS)
    for (dimension, point), by_value in rows.values.items():
        for value, row in by_value.items():
            figures.add_row(sheet, (dimension, value), "completed", point, row, shown=SHOWN_RATES)
        figures.add_parts(sheet, [(dimension, v) for v in by_value], "completed", [point])


def _activity_sheet(sheet: Sheet, snapshot: RateSnapshot, period: Period) -> None:
    activity = [row for row in snapshot.activity if period.contains(row["year"])]
    duos_started = sum(row["duos_started"] for row in activity)
    meetings = sum(row["meetings"] for row in activity)
    sheet.count(DUOS_STARTED, duos_started)
    per_duo = round(meetings / duos_started, 1) if duos_started else None
    sheet.derived(MEETINGS_PER_DUO, per_duo, from_counts=[DUOS_STARTED])


def dashboard(
    snapshot: RateSnapshot,
    period: Period,
    *,
    full: bool,
    fundings: Iterable[Funding] = (),
    today: dt.date | None = None,
) -> dict:
    """Every figure of the page for the period, through the one suppression
    function: suppressed unless ``full`` (the programme's own coordinators).
    ``fundings`` are those whose amounts the reader may see (``programmes.access``).

    Each funding line holds the funding (its amount and target), the planned cost, the
    duos started and the actual cost (suppressed cells) and ``so_far`` (True
    while its period or the period shown is still running: label the figures
    "so far", never final). ``today`` defaults to the local date."""
    today = today or timezone.localdate()
    dimensions = COORDINATOR_BREAKDOWNS if full else BREAKDOWNS
    rows = _rows(snapshot, period, dimensions)
    sheet = Sheet()
    _outcome_sheet(sheet, rows)
    _activity_sheet(sheet, snapshot, period)
    lines = _funding_lines(sheet, fundings, snapshot.activity, period, today)
    cells = suppress(sheet, full=full)
    for line in lines:
        line["duos_started"] = cells[("funding", line["funding"].pk, "duos_started")]
        line["actual_cost"] = cells[("funding", line["funding"].pk, "actual_cost")]
    scope = period.params()
    table = []
    for point in POINTS:
        for denominator in DENOMINATORS:
            fig = figures.figure(cells, ALL, denominator, point, rows.table[(point, denominator)])
            fig.query = _query(scope, point, denominator)
            table.append(fig)
    return {
        "period": period,
        "table": table,
        "duos_started": cells[DUOS_STARTED],
        "meetings_per_duo": cells[MEETINGS_PER_DUO],
        "fundings": lines,
        "series": _series(cells, rows),
        "breakdowns": _breakdowns(cells, rows, scope),
        "dimensions": dimensions,
        "years": sorted({r["year"] for r in snapshot.activity}),
    }


def _query(scope: dict, point: str, denominator: str, **more: str) -> str:
    """The drill-down's parameters for a figure (its cohorts, point, denominator
    and breakdown value); the template adds the group or status."""
    return urlencode({**scope, "point": point, "denominator": denominator, **more})


def _series(cells: dict, rows: _Rows) -> list[dict]:
    """Per cohort: the exit and follow-up rates over the completed, for the chart
    and its table."""
    series = []
    for year, by_key in rows.years.items():
        item = {"cohort": year}
        for point in POINTS:
            row = by_key[(point, "completed")]
            scope = ("cohort", year)
            item[point] = fig = figures.figure(
                cells, scope, "completed", point, row, shown=SHOWN_RATES
            )
            fig.query = _query({"from": year, "to": year}, point, "completed")
        item["points"] = [item[point] for point in POINTS]
        series.append(item)
    return series


def _breakdowns(cells: dict, rows: _Rows, scope: dict) -> dict[tuple, list[BreakdownRow]]:
    """(dimension, point) → one row per value, over the completed."""
    shown = {}
    for (dimension, point), by_value in rows.values.items():
        shown[(dimension, point)] = lines = []
        order = {value: k for k, value in enumerate(dimension_values(dimension))}
        for value, row in sorted(by_value.items(), key=lambda item: order.get(item[0], 99)):
            fig = figures.figure(
                cells, (dimension, value), "completed", point, row, shown=SHOWN_RATES
            )
            fig.query = _query(scope, point, "completed", dimension=dimension, value=value)
            n = cells[figures.n_key((dimension, value), "completed")]
            lines.append(BreakdownRow(value, value_label(dimension, value), n, fig))
    return shown


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
