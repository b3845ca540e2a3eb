"""The dashboard's downloads (CSV and XLSX) for an analyst: the period's rows, the
cohorts, the breakdowns, the activity and the fundings, each a table of its own.

They are built from the dashboard's data (``reporting.dashboard.dashboard``), that
is from the cells the one suppression function returned for the screen: a cell
shown on the screen is a number here (rates as fractions of 1, at full
precision), a hidden one is its text marker ("<5", "<5 of n", "·", "—"). So
the download shows exactly the cells the screen shows, nothing more."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.exports import (
    DECIMAL,
    EURO,
    PERCENT,
    SheetData,
    table_response,
    workbook_response,
)
from programmes.models import Programme
from programmes.suppression import HIDDEN, NO_RATE, SMALL, Cell

from .figures import Figure
from .models import RateSnapshot
from .rates import GROUPS, STATUSES

SHOWN = ("employed", "positive")  # the rates the cohorts and breakdowns show


@dataclass
class Kind:
    """One table of the download: a sheet of the workbook, rows of the CSV."""

    code: str  # the CSV's "kind" column
    name: str  # the sheet's name
    header: list[str]
    rows: list[list]
    formats: dict[str, str]


def _value(cell: Cell | None):
    """A shown cell's value; a hidden one (or one without a value) its text."""
    if cell is None:
        return ""
    if cell.hidden or cell.value is None:
        return cell.text
    return cell.value


def _period(view: dict) -> list:
    period = view["period"]
    return [period.first if period.first is not None else "", period.last or ""]


def _figure_values(fig: Figure, groups: Sequence[str]) -> list:
    return [_value(fig.rates[g]) for g in groups]


def _period_rows(views: list[dict]) -> Kind:
    header = ["period_from", "period_to", "point", "denominator", "n", *STATUSES]
    header += [f"rate_{g}" for g in GROUPS] + ["unknown_share", "provisional"]
    rows = []
    for view in views:
        for fig in view["table"]:
            row = [*_period(view), fig.point, fig.denominator, _value(fig.n)]
            row += [_value(fig.counts[s]) for s in STATUSES]
            row += _figure_values(fig, GROUPS)
            row += [_value(fig.unknown_share), fig.provisional]
            rows.append(row)
    rates = {f"rate_{g}": PERCENT for g in GROUPS} | {"unknown_share": PERCENT}
    return Kind("period", _("Period"), header, rows, rates)


def _cohort_rows(views: list[dict]) -> Kind:
    header = ["period_from", "period_to", "cohort", "point", "denominator", "n"]
    header += [f"rate_{g}" for g in SHOWN] + ["provisional"]
    rows = []
    for view in views:
        for item in view["series"]:
            for point in ("exit", "follow_up"):
                fig = item[point]
                row = [*_period(view), item["cohort"], point, fig.denominator, _value(fig.n)]
                rows.append([*row, *_figure_values(fig, SHOWN), fig.provisional])
    return Kind("cohort", _("Cohorts"), header, rows, {f"rate_{g}": PERCENT for g in SHOWN})


def _breakdown_rows(views: list[dict]) -> Kind:
    header = ["period_from", "period_to", "dimension", "value", "label", "point"]
    header += ["denominator", "n", *(f"rate_{g}" for g in SHOWN), "provisional"]
    rows = []
    for view in views:
        for (dimension, point), lines in view["breakdowns"].items():
            for line in lines:
                fig = line.figure
                row = [*_period(view), dimension, line.value, line.label, point]
                row += [fig.denominator, _value(line.n), *_figure_values(fig, SHOWN)]
                rows.append([*row, fig.provisional])
    return Kind("breakdown", _("Breakdowns"), header, rows, {f"rate_{g}": PERCENT for g in SHOWN})


def _activity_rows(views: list[dict]) -> Kind:
    header = ["period_from", "period_to", "duos_started", "meetings_per_duo"]
    rows = [
        [*_period(view), _value(view["duos_started"]), _value(view["meetings_per_duo"])]
        for view in views
    ]
    return Kind("activity", _("Activity"), header, rows, {"meetings_per_duo": DECIMAL})


def _funding_rows(view: dict) -> Kind:
    header = ["funder", "starts_on", "ends_on", "amount", "target_duos", "duos_started"]
    header += ["planned_cost_per_duo", "actual_cost_per_duo", "so_far"]
    rows = [
        [
            line["funding"].funder.name,
            line["funding"].starts_on,
            line["funding"].ends_on,
            line["funding"].amount,
            line["funding"].target_duos,
            _value(line["duos_started"]),
            line["planned_cost"] if line["planned_cost"] is not None else NO_RATE,
            _value(line["actual_cost"]),
            line["so_far"],
        ]
        for line in view["fundings"]
    ]
    money = ("amount", "planned_cost_per_duo", "actual_cost_per_duo")
    return Kind("funding", _("Fundings"), header, rows, dict.fromkeys(money, EURO))


def kinds(views: list[dict]) -> list[Kind]:
    """``views``: the dashboard's data for the period shown, then (if any) the
    period compared with it, each suppressed on its own; as on the screen, the
    compared period gives its main rows only. Fundings: those the reader may see."""
    shown = views[:1]  # the screen shows the compared period's main table only
    return [
        _period_rows(views),
        _cohort_rows(shown),
        _breakdown_rows(shown),
        _activity_rows(shown),
        _funding_rows(views[0]),
    ]


def _definitions(programme: Programme, snapshot: RateSnapshot, full: bool) -> SheetData:
    stamp = timezone.localtime(snapshot.computed_at).isoformat(timespec="seconds")
    rows = [
        [_("programme"), programme.name],
        [_("snapshot_version"), snapshot.version],
        [_("computed_at"), stamp],
        [_("rules_version"), snapshot.rules_version or ""],
        [
            _("suppressed"),
            _("no: the programme's coordinators see every figure")
            if full
            else _("yes: counts from 1 to 4 and what would give them back are hidden"),
        ],
        ["", ""],
        *([name, text] for name, text in column_definitions()),
        ["", ""],
        *([name, text] for name, text in marker_definitions()),
    ]
    return SheetData(
        name=_("Definitions"),
        header=[_("term"), _("meaning")],
        rows=rows,
        widths={_("term"): 24, _("meaning"): 110},
    )


def column_definitions() -> list[tuple[str, str]]:
    statuses = ", ".join(STATUSES)
    return [
        ("period_from, period_to", _("The cohorts of the period (years; empty: no limit).")),
        ("cohort", _("The year the trajectory's first duo started.")),
        ("point", _("exit: the outcome at the end of the last duo; follow_up: months later.")),
        (
            "denominator",
            _(
                "started: every trajectory whose last duo ended, for any reason; completed: "
                "those whose last duo ran its course or reached its goal."
            ),
        ),
        ("n", _("The number of trajectories in the denominator.")),
        (statuses, _("The number of trajectories with that status at the point.")),
        (
            "rate_employed … rate_other",
            _(
                "A group's count divided by n, as a fraction of 1 (full precision). Employed = "
                "employed + self_employed; training = training + studies; positive = employed + "
                "training + internship; other = inactive + unknown."
            ),
        ),
        ("unknown_share", _("The share of unknown outcomes (no answer recorded), over n.")),
        (
            "provisional",
            _(
                "TRUE while some trajectories of n have not reached their follow-up date: the "
                "follow-up figure can still change (“*” on the screen)."
            ),
        ),
        ("dimension, value, label", _("A breakdown (its code), its value's code and label.")),
        ("duos_started", _("Duos started in the years of the period (or of the funding).")),
        ("meetings_per_duo", _("Meetings held in those duos, divided by the duos started.")),
        ("amount", _("The funding's amount, in euros.")),
        ("target_duos", _("The duos the funding agreement plans for its period.")),
        ("planned_cost_per_duo", _("amount ÷ target_duos.")),
        (
            "actual_cost_per_duo",
            _("amount ÷ the duos started in the years of the funding period."),
        ),
        (
            "so_far",
            _(
                "TRUE while the funding period (or the period shown) is still running: the "
                "duos started and the actual cost are figures so far, not final ones."
            ),
        ),
    ]


def marker_definitions() -> list[tuple[str, str]]:
    return [
        ("*", _("Provisional (on the screen): see provisional.")),
        (SMALL, _("A count from 1 to 4, hidden.")),
        (
            _("<5 of %(n)s") % {"n": "n"},
            _("A rate whose count is from 1 to 4: hidden, shown with its n only."),
        ),
        (
            _("%(count)s of %(n)s") % {"count": "x", "n": "n"},
            _("A rate shown as its count, because its percentage would give a small count back."),
        ),
        (
            HIDDEN,
            _("Hidden so that a small count cannot be worked out from the totals and the others."),
        ),
        (NO_RATE, _("No rate: n is below 10 (or hidden), or there is nothing to divide by.")),
    ]


def csv_response(
    *, programme: Programme, snapshot: RateSnapshot, tables: list[Kind], filename: str
) -> HttpResponse:
    """One CSV: a row per figure row of every kind, codes as values, numbers plain,
    rates as fractions; the columns are the union of the kinds' columns."""
    columns: list[str] = []
    for kind in tables:
        columns += [c for c in kind.header if c not in columns]
    stamp = timezone.localtime(snapshot.computed_at).isoformat(timespec="seconds")
    rows = []
    for kind in tables:
        for row in kind.rows:
            values = dict(zip(kind.header, row, strict=True))
            rows.append(
                [
                    programme.slug,
                    kind.code,
                    *(values.get(c) for c in columns),
                    snapshot.version,
                    stamp,
                ]
            )
    return table_response(
        header=["programme", "kind", *columns, "snapshot_version", "computed_at"],
        rows=rows,
        filename=filename,
        fmt="csv",
    )


def xlsx_response(
    *, programme: Programme, snapshot: RateSnapshot, tables: list[Kind], full: bool, filename: str
) -> HttpResponse:
    """One sheet per kind (numbers as numbers, rates as 0.0 %, amounts in €, hidden
    cells as their marker) and a Definitions sheet."""
    sheets = [
        SheetData(name=kind.name, header=kind.header, rows=kind.rows, formats=kind.formats)
        for kind in tables
    ]
    sheets.append(_definitions(programme, snapshot, full))
    return workbook_response(sheets=sheets, filename=filename)
