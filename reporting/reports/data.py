"""The figures of a funder's yearly report, frozen as plain JSON.

Everything comes from the dashboard's own code (``reporting.dashboard``), always
suppressed (``full=False``): the report is funder-facing, so its cells are the
cells the one suppression function gives, equal by construction to what the
dashboard shows a funder for the same year. ``report_data`` turns those cells
into JSON: each with its suppressed text, its value (None when hidden) and the
text shown in the report's language; the PDF and the XLSX are drawn from that
JSON only, so a later snapshot never changes a published report.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import formats, timezone, translation

from programmes.models import Funding
from programmes.suppression import Cell, percent
from programmes.templatetags.money import euro

from ..dashboard import Period, dashboard
from ..models import RateSnapshot
from ..rates import GROUPS, POINTS, STATUSES

FORMAT = 1  # the layout of ``data``; a renderer reads the layouts it knows
TREND_YEARS = 6  # cohorts on the trend chart, the report's year the last
TREND_GROUPS = ("employed", "positive")


# --- one cell as frozen JSON -------------------------------------------------------------


def number_text(value, *, places: int = 0) -> str:
    """A number in the active language's format ("1.234" in Dutch, "1,234" in English)."""
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def percent_text(rate: float) -> str:
    """A rate as a percentage with one decimal, rounded half up as on the screens,
    in the active language's format: "50,7 %" in nl and fr, "50.7 %" in en."""
    return f"{number_text(Decimal(percent(rate)), places=1)} %"


def _shown(cell: Cell, kind: str) -> str:
    """What the report prints for a cell: the suppressed text of a hidden one
    (a marker, never a value), a shown value in the language's format."""
    if cell.hidden or cell.value is None:
        return cell.text
    if kind == "rate":
        # "5 of 1500" stays a count (a percentage would multiply back to 1–4)
        return percent_text(cell.value) if cell.text.endswith("%") else cell.text
    if kind == "money":
        return euro(cell.value)
    if kind == "decimal":
        return number_text(Decimal(str(cell.value)), places=1)
    return number_text(cell.value)


def _number(value):
    """A JSON number: whole euros and counts as int, the rest as float."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def cell_json(cell: Cell, kind: str) -> dict:
    """``kind``: count, rate, money or decimal (how the value is written)."""
    return {
        "kind": kind,
        "text": cell.text,
        "value": None if cell.hidden else _number(cell.value),
        "hidden": cell.hidden,
        "shown": _shown(cell, kind),
    }


def _plain(value, kind: str) -> dict:
    """A figure that is no count (an amount, a target): never suppressed."""
    return cell_json(Cell(str(value), value=value), kind)


# --- the parts of the report ---------------------------------------------------------------


def _figure_json(fig) -> dict:
    return {
        "point": fig.point,
        "denominator": fig.denominator,
        "provisional": fig.provisional,
        "n": cell_json(fig.n, "count"),
        "counts": {s: cell_json(fig.counts[s], "count") for s in STATUSES},
        "rates": {g: cell_json(fig.rates[g], "rate") for g in GROUPS},
        "unknown_share": cell_json(fig.unknown_share, "rate"),
    }


def _series_json(item: dict) -> dict:
    return {
        "cohort": item["cohort"],
        **{
            point: {
                "provisional": item[point].provisional,
                "n": cell_json(item[point].n, "count"),
                "rates": {g: cell_json(item[point].rates[g], "rate") for g in TREND_GROUPS},
            }
            for point in POINTS
        },
    }


def _trend(snapshot: RateSnapshot, year: int, own: list[dict], *, today: dt.date) -> list[dict]:
    """The cohorts up to ``year``: each as the dashboard shows it for that single
    year (its own suppressed page). No total over these cohorts is printed, so
    one cohort's figures cannot be worked out from the others'."""
    years = sorted(
        {r["cohort"] for r in snapshot.rows if r["cohort"] is not None and r["cohort"] < year}
    )[-(TREND_YEARS - 1) :]
    series = []
    for y in years:
        series += dashboard(snapshot, Period(y, y), full=False, today=today)["series"]
    return [_series_json(item) for item in [*series, *own]]


def _funding_json(line: dict) -> dict:
    funding: Funding = line["funding"]
    planned = line["planned_cost"]
    return {
        "funder": funding.funder.name,
        "amount": _plain(_number(Decimal(funding.amount)), "money"),
        "target_duos": _plain(funding.target_duos, "count"),
        "starts_on": funding.starts_on.isoformat(),
        "ends_on": funding.ends_on.isoformat(),
        "period": "{} – {}".format(
            formats.date_format(funding.starts_on, "SHORT_DATE_FORMAT"),
            formats.date_format(funding.ends_on, "SHORT_DATE_FORMAT"),
        ),
        "duos_started": cell_json(line["duos_started"], "count"),
        "planned_cost": None if planned is None else _plain(_number(planned), "money"),
        "actual_cost": cell_json(line["actual_cost"], "money"),
        # The actual cost is a figure "so far" while the funding still runs.
        "so_far": bool(line["so_far"]),
    }


def report_data(
    *,
    snapshot: RateSnapshot,
    funding: Funding,
    year: int,
    language: str,
    today: dt.date,
    esf: dict | None = None,
) -> dict:
    """Every figure the report shows, as plain JSON, in ``language``."""
    with translation.override(language):
        figures = dashboard(
            snapshot, Period(year, year), full=False, fundings=[funding], today=today
        )
        line = next((x for x in figures["fundings"] if x["funding"].pk == funding.pk), None)
        if line is None:
            raise ValueError("the funding does not overlap the year")
        computed_at = snapshot.computed_at
        return {
            "format": FORMAT,
            "language": language,
            "programme": snapshot.programme.name,
            "year": year,
            "year_running": year >= today.year,
            "snapshot": {
                "version": snapshot.version,
                "computed_at": computed_at.isoformat(timespec="seconds"),
                "computed_text": formats.date_format(
                    timezone.localtime(computed_at), "DATETIME_FORMAT"
                ),
                "rules_version": snapshot.rules_version,
            },
            "funding": _funding_json(line),
            "duos_started": cell_json(figures["duos_started"], "count"),
            "meetings_per_duo": cell_json(figures["meetings_per_duo"], "decimal"),
            "table": [_figure_json(fig) for fig in figures["table"]],
            "series": _trend(snapshot, year, figures["series"], today=today),
            "esf": esf,
        }
