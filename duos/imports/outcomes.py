"""The employment service's outcome import: one row per mentee and point,
matched by the jobseeker reference (``Mentee.jobseeker_ref``).

Columns: ``jobseeker_ref, point (exit | follow_up), status, contract, date``;
``contract`` and ``date`` may be left empty. Files are read by
``duos.imports.reader`` (CSV UTF-8 with ``,`` or ``;``, or the first sheet of an
XLSX).

Rules (the contract, and the choices made where it is silent):
- A row is matched to the mentee of the programme with that jobseeker
  reference, and to that mentee's LAST ended duo in the programme (latest
  start). Its outcome at the row's point is recorded, or corrected, with the
  source ``employment_service`` (through ``services.outcome_record``: audited,
  figures recomputed after the commit).
- ``date`` empty: a new outcome is dated as ``outcome_record`` does (the end
  for exit, the follow-up date for follow-up); an existing outcome keeps its
  date, and its contract while the status stays employed (a blank cell never
  erases a stored value). The note of an existing outcome is kept.
- Importing the same file again changes nothing: a row that says what the
  last import said is left alone, even if a coordinator corrected the outcome
  since; otherwise it is compared with the stored outcome, and one whose
  status, contract and date are already recorded is left alone (whatever its
  source).
- All or nothing: every row is validated first; any error and nothing is
  written. Messages name the line and the column, as in "line 7 (the header
  is line 1), column status: 'flying' is not a status".
- Codes are matched case-insensitively, with spaces and hyphens read as "_".
  A (jobseeker_ref, point) pair may appear once in a file. Unknown columns
  are listed as ignored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duos.imports import rows
from duos.imports.flow import ColumnHelp, Importer
from duos.imports.reader import Table
from duos.imports.rows import CREATE, UNCHANGED, UPDATE, Preview, Row, RowError, RowPlan
from duos.models import Duo, ImportKind, Mentee, Outcome, contract_problem
from duos.services import follow_up_date, outcome_record
from programmes.models import Programme

COLUMNS = ("jobseeker_ref", "point", "status", "contract", "date")
REQUIRED_COLUMNS = ("jobseeker_ref", "point", "status")
OUTCOME_COLUMNS = ("status", "contract", "date")
SOURCE = Outcome.Source.EMPLOYMENT_SERVICE
GROUPS = tuple(Outcome.Point.values)

PARSERS = {
    "jobseeker_ref": rows.limited(64),
    "point": rows.choice(Outcome.Point.values, gettext_lazy("'%(value)s' is not an outcome point")),
    "status": rows.choice(Outcome.Status.values, gettext_lazy("'%(value)s' is not a status")),
    "contract": rows.choice(
        Outcome.Contract.values, gettext_lazy("'%(value)s' is not a contract type")
    ),
    "date": rows.date,
}


# --- rows --------------------------------------------------------------------


def _parse(row: Row) -> dict[str, Any]:
    values = {}
    for column in COLUMNS:
        value = row.get(column, PARSERS[column], required=column in REQUIRED_COLUMNS)
        if value is not None:
            values[column] = value
    if "status" in values:  # the domain's rule, written once
        problem = contract_problem(
            status=values["status"], contract_type=values.get("contract", "")
        )
        if problem:
            row.fail("contract", problem)
    return values


def _parse_rows(table: Table) -> list[tuple[Row, dict]]:
    """Every row with its values; a (jobseeker_ref, point) pair may appear once."""
    parsed = []
    seen = rows.first_lines()
    for line, record in table.records():
        row = Row(line, record)
        values = _parse(row)
        key = values.get("jobseeker_ref"), values.get("point")
        if all(key) and (first := seen(key, line)):
            row.fail(
                "jobseeker_ref",
                _("'%(ref)s' already has an outcome at %(point)s on line %(first)s")
                % {"ref": key[0], "point": key[1], "first": first},
            )
        parsed.append((row, values))
    return parsed


# --- plan --------------------------------------------------------------------


@dataclass
class _Target:
    mentees: list[Mentee]
    duo: Duo | None = None


def _targets(*, programme: Programme, refs: set[str]) -> dict[str, _Target]:
    """By jobseeker reference: the programme's mentees with it, and the last
    ended duo when there is exactly one such mentee (with its outcomes)."""
    targets: dict[str, _Target] = {}
    mentees = Mentee.objects.filter(programme=programme, jobseeker_ref__in=refs).order_by("pk")
    for mentee in mentees:
        targets.setdefault(mentee.jobseeker_ref, _Target(mentees=[])).mentees.append(mentee)
    single = {t.mentees[0].pk: t for t in targets.values() if len(t.mentees) == 1}
    duos = (
        Duo.objects.filter(programme=programme, mentee_id__in=single, status=Duo.Status.ENDED)
        .select_related("programme", "mentee")
        .prefetch_related("outcomes")
        .order_by("mentee_id", "-started_on")
    )
    for duo in duos:
        if single[duo.mentee_id].duo is None:
            single[duo.mentee_id].duo = duo
    return targets


def _match(ref: str, targets: dict[str, _Target]) -> Duo | str:
    """The duo the row is about, or the problem."""
    target = targets.get(ref)
    if target is None:
        return _("no mentee of this programme has the jobseeker reference '%(ref)s'") % {"ref": ref}
    if len(target.mentees) > 1:
        return _(
            "%(count)s mentees of this programme have the jobseeker reference '%(ref)s': "
            "merge them or correct their references first"
        ) % {"count": len(target.mentees), "ref": ref}
    if target.duo is None:
        return _(
            "the mentee with the jobseeker reference '%(ref)s' has no ended duo in this programme"
        ) % {"ref": ref}
    return target.duo


def _key(values: dict) -> str:
    return f"{values['jobseeker_ref']}|{values['point']}"


def _row_plan(line: int, values: dict, duo: Duo, before: dict) -> RowPlan:
    point = values["point"]
    outcome = next((o for o in duo.outcomes.all() if o.point == point), None)
    wanted = rows.outcome_values(
        outcome, status=values["status"], contract=values.get("contract"), date=values.get("date")
    )
    if wanted["date"] is None:  # new and undated: the end, or the follow-up date
        wanted["date"] = duo.ended_on if point == Outcome.Point.EXIT else follow_up_date(duo)
    if wanted["date"] < duo.started_on:
        raise RowError(
            _("%(date)s is before the duo started (%(start)s)")
            % {"date": wanted["date"].isoformat(), "start": duo.started_on.isoformat()},
            line=line,
            column="date",
        )
    news = any(rows.is_news(c, values[c], before) for c in OUTCOME_COLUMNS if c in values)
    changes = rows.changes_from(outcome, wanted) if news or outcome is None else {}
    mentee = duo.mentee
    return RowPlan(
        line=line,
        key=_key(values),
        actions={point: CREATE if outcome is None else UPDATE if changes else UNCHANGED},
        said={column: rows.said(value) for column, value in values.items()},
        shown=(
            values["jobseeker_ref"],
            f"{mentee.first_name} {mentee.last_name}".strip(),
            duo.ended_on,
            Outcome.Point(point).label,
            _shown_outcome(wanted),
        ),
        changes=changes,
        target=duo,
        values={**wanted, "point": point, "note": outcome.note if outcome else ""},
    )


def _shown_outcome(values: dict) -> str:
    contract = f" ({values['contract_type']})" if values["contract_type"] else ""
    return f"{values['status']}{contract} · {values['date'].isoformat()}"


def plan(*, programme: Programme, table: Table, preview: Preview) -> None:
    parsed = _parse_rows(table)
    refs = {values["jobseeker_ref"] for _row, values in parsed if "jobseeker_ref" in values}
    targets = _targets(programme=programme, refs=refs)
    keys = [_key(values) for row, values in parsed if not row.errors]
    before = rows.remembered(programme=programme, kind=ImportKind.OUTCOMES, keys=keys)
    for row, values in parsed:  # in file order; a row's errors in column order
        duo = None
        if "jobseeker_ref" in values:
            duo = _match(values["jobseeker_ref"], targets)
            if isinstance(duo, str):
                row.errors.insert(0, RowError(duo, line=row.line, column="jobseeker_ref"))
        if row.errors:
            preview.add_errors(row.errors)
            continue
        try:
            preview.rows.append(_row_plan(row.line, values, duo, before.get(_key(values), {})))
        except RowError as exc:
            preview.add_errors([exc])


# --- write -------------------------------------------------------------------


def write(actor, row: RowPlan, *, programme: Programme) -> None:
    """Recorded or corrected through ``outcome_record`` (audited, figures recomputed);
    the note of an existing outcome is kept."""
    values = row.values
    outcome_record(
        actor,
        duo=row.target,
        point=values["point"],
        status=values["status"],
        contract_type=values["contract_type"],
        date=values["date"],
        source=SOURCE,
        note=values["note"],
    )


# --- the template ------------------------------------------------------------

TEMPLATE_ROWS = [
    {"jobseeker_ref": "JS-123456", "point": "exit", "status": "employed", "contract": "fixed_term"},
    {
        "jobseeker_ref": "JS-123456",
        "point": "follow_up",
        "status": "employed",
        "contract": "permanent",
        "date": dt.date(2026, 6, 30),
    },
    {"jobseeker_ref": "JS-654321", "point": "follow_up", "status": "training"},
]


def template_table() -> dict:
    """Header and example rows of the downloadable template (for ``table_response``)."""
    rows = [[example.get(column, "") for column in COLUMNS] for example in TEMPLATE_ROWS]
    return {"header": list(COLUMNS), "rows": rows}


IMPORTER = Importer(
    kind=ImportKind.OUTCOMES,
    columns=COLUMNS,
    required=REQUIRED_COLUMNS,
    groups=GROUPS,
    plan=plan,
    write=write,
    template=template_table,
)


# --- the format, as the upload page describes it --------------------------------

_REQUIRED = gettext_lazy("(required)")
COLUMN_HELP = [
    ColumnHelp(
        ("jobseeker_ref",),
        gettext_lazy("The employment service's reference of the mentee (required)."),
    ),
    ColumnHelp(("point",), _REQUIRED, tuple(Outcome.Point.values)),
    ColumnHelp(("status",), _REQUIRED, tuple(Outcome.Status.values)),
    ColumnHelp(
        ("contract",),
        gettext_lazy("only with the status employed; may be empty."),
        tuple(Outcome.Contract.values),
    ),
    ColumnHelp(
        ("date",),
        gettext_lazy(
            "A date cell, or text as YYYY-MM-DD. Empty: the end of the duo (exit) or the "
            "follow-up date; an outcome already recorded keeps its date."
        ),
    ),
]
