"""The yearly report as a workbook (openpyxl), drawn from its frozen data only:
numbers as numbers, rates as fractions with a percentage format, amounts with a
euro format; a hidden figure is its text marker, never its value; a sheet of
definitions explains every marker."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from programmes.exports import DECIMAL, EURO, PERCENT, neutralise

from ..rates import GROUPS, STATUSES
from . import labels

BOLD = Font(bold=True)


def _put(sheet: Worksheet, row: int, column: int, cell: dict | None) -> None:
    """One frozen figure: its value with the format of its kind, or its marker."""
    target = sheet.cell(row=row, column=column)
    if cell is None:
        return
    value = cell["value"]
    if (
        cell["hidden"]
        or value is None
        or (cell["kind"] == "rate" and not cell["text"].endswith("%"))
    ):
        # a marker ("<5", "·", "—", "<5 of n"), or a rate shown as its count
        target.value = neutralise(cell["text"])
        target.alignment = Alignment(horizontal="right")
        return
    target.value = value
    target.number_format = {"rate": PERCENT, "money": EURO, "decimal": DECIMAL}.get(
        cell["kind"], "0"
    )


def _text(sheet: Worksheet, row: int, column: int, value, *, bold: bool = False) -> None:
    target = sheet.cell(row=row, column=column, value=neutralise(value))
    if bold:
        target.font = BOLD


def _report(sheet: Worksheet, data: dict) -> None:
    f = data["funding"]
    snapshot = data["snapshot"]
    _text(sheet, 1, 1, labels.title(data["programme"], f["funder"], data["year"]), bold=True)
    _text(sheet, 2, 1, labels.provenance(data))
    _text(sheet, 3, 1, labels.publication(data))
    rows = [
        (_("Programme"), data["programme"]),
        (_("Funder"), f["funder"]),
        (_("Year"), data["year"]),
        (_("Report version"), data["version"]),
        (_("Snapshot version"), snapshot["version"]),
        (_("Computed on"), snapshot["computed_text"]),
        (_("Rules version"), snapshot["rules_version"] if snapshot["rules_version"] else "—"),
        (_("Funding starts on"), dt.date.fromisoformat(f["starts_on"])),
        (_("Funding ends on"), dt.date.fromisoformat(f["ends_on"])),
        (_("Amount"), f["amount"]),
        (_("Target duos for the period"), f["target_duos"]),
        (_("Duos started in the funding period"), f["duos_started"]),
        (_("Planned cost per duo (amount ÷ target)"), f["planned_cost"]),
        (labels.actual_cost_label(f["so_far"]), f["actual_cost"]),
        (_("Duos started in %(year)s") % {"year": data["year"]}, data["duos_started"]),
        (_("Meetings per duo started"), data["meetings_per_duo"]),
    ]
    for index, (label, value) in enumerate(rows, start=5):
        _text(sheet, index, 1, label)
        if isinstance(value, dict):
            _put(sheet, index, 2, value)
        elif isinstance(value, dt.date):
            sheet.cell(row=index, column=2, value=value).number_format = "yyyy-mm-dd"
        else:
            sheet.cell(row=index, column=2, value=neutralise(value))
        if value is f["actual_cost"] and f["so_far"]:
            _text(sheet, index, 3, _("so far"))
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 22


def _outcomes(sheet: Worksheet, data: dict) -> None:
    header = [_("Point"), _("Denominator"), _("Provisional (*)"), _("Trajectories (n)")]
    header += [labels.status_label(s) for s in STATUSES]
    header += [labels.group_label(g) for g in GROUPS] + [_("Share unknown")]
    for column, label in enumerate(header, start=1):
        _text(sheet, 1, column, label, bold=True)
    for row, fig in enumerate(data["table"], start=2):
        _text(sheet, row, 1, labels.column_label(fig["point"], fig["denominator"]))
        _text(sheet, row, 2, fig["denominator"])
        _text(sheet, row, 3, "*" if fig["provisional"] else "")
        cells = [fig["n"], *(fig["counts"][s] for s in STATUSES)]
        cells += [fig["rates"][g] for g in GROUPS] + [fig["unknown_share"]]
        for column, cell in enumerate(cells, start=4):
            _put(sheet, row, column, cell)
    sheet.column_dimensions["A"].width = 34


def _cohorts(sheet: Worksheet, data: dict) -> None:
    header = [
        _("Cohort"),
        _("n at exit"),
        _("Employed at exit"),
        _("Positive at exit"),
        _("n at follow-up"),
        _("Employed at follow-up"),
        _("Positive at follow-up"),
        _("Provisional (*)"),
    ]
    for column, label in enumerate(header, start=1):
        _text(sheet, 1, column, label, bold=True)
    for row, item in enumerate(data["series"], start=2):
        sheet.cell(row=row, column=1, value=item["cohort"])
        cells = [
            item["exit"]["n"],
            item["exit"]["rates"]["employed"],
            item["exit"]["rates"]["positive"],
            item["follow_up"]["n"],
            item["follow_up"]["rates"]["employed"],
            item["follow_up"]["rates"]["positive"],
        ]
        for column, cell in enumerate(cells, start=2):
            _put(sheet, row, column, cell)
        _text(sheet, row, 8, "*" if item["follow_up"]["provisional"] else "")


def _esf(sheet: Worksheet, esf: dict) -> None:
    genders = list(esf["genders"])
    header = [_("Code"), _("Indicator"), _("Total"), *esf["genders"].values(), _("Missing")]
    for column, label in enumerate(header, start=1):
        _text(sheet, 1, column, label, bold=True)
    for row, item in enumerate(esf["rows"], start=2):
        _text(sheet, row, 1, item["code"])
        _text(sheet, row, 2, item["label"])
        cells = [item["total"], *(item["by_gender"][g] for g in genders)]
        if item["missing"]["text"]:
            cells.append(item["missing"])
        for column, cell in enumerate(cells, start=3):
            _put(sheet, row, column, cell)
    sheet.column_dimensions["B"].width = 60


def _definitions(sheet: Worksheet) -> None:
    _text(sheet, 1, 1, _("Marker"), bold=True)
    _text(sheet, 1, 2, _("Meaning"), bold=True)
    row = 2
    for marker, text in labels.definitions():
        _text(sheet, row, 1, marker)
        _text(sheet, row, 2, text)
        row += 1
    row += 1
    for text in labels.about():
        _text(sheet, row, 2, text)
        row += 1
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 120


def render_xlsx(data: dict) -> bytes:
    """The workbook of a published report, from its ``data`` only."""
    with translation.override(data["language"]):
        workbook = Workbook()
        _report(workbook.active, data)
        workbook.active.title = _("Report")[:31]
        _outcomes(workbook.create_sheet(_("Outcomes")[:31]), data)
        _cohorts(workbook.create_sheet(_("Cohorts")[:31]), data)
        if data.get("esf"):
            _esf(workbook.create_sheet("ESF+"), data["esf"])
        _definitions(workbook.create_sheet(_("Definitions")[:31]))
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()
