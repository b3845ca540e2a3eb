"""The employment service's outcome import: one row per mentee and point,
matched by the jobseeker reference (``Mentee.jobseeker_ref``).

Columns: ``jobseeker_ref, point (exit | follow_up), status, contract, date``;
``contract`` and ``date`` may be left empty. Files are read by
``duos.spreadsheets`` (CSV UTF-8 with ``,`` or ``;``, or the first sheet of an
XLSX).

Rules (the contract, and the choices made where it is silent):
- A row is matched to the mentee of the programme with that jobseeker
  reference, and to that mentee's LAST ended duo in the programme (latest
  start). Its outcome at the row's point is recorded, or corrected, with the
  source ``employment_service`` (through ``services.outcome_record``: audited,
  figures recomputed after the commit).
- ``date`` empty: a new outcome is dated as ``outcome_record`` does (the end
  for exit, the follow-up date for follow-up); an existing outcome keeps its
  date (a blank cell never erases a stored value). The note of an existing
  outcome is kept.
- Importing the same file again changes nothing: each row is compared with
  the stored outcome before saving; a row whose status, contract and date are
  already recorded is left alone (whatever its source).
- All or nothing: every row is validated first; any error and nothing is
  written. Messages name the line and the column, as in "line 7 (the header
  is line 1), column status: 'flying' is not a status".
- Codes are matched case-insensitively, with spaces and hyphens read as "_".
  A (jobseeker_ref, point) pair may appear once in a file. Unknown columns
  are listed as ignored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from duos.imports.flow import Confirmation, upload_arguments, upload_confirm, upload_create
from duos.imports.reader import (
    Cell,
    SpreadsheetError,
    Table,
    as_date,
    cell_error,
    read_table,
)
from duos.models import DataImport, Duo, ImportKind, Mentee, Outcome
from duos.services import follow_up_date, outcome_record
from programmes.models import Programme

COLUMNS = ("jobseeker_ref", "point", "status", "contract", "date")
REQUIRED_COLUMNS = ("jobseeker_ref", "point", "status")
SOURCE = Outcome.Source.EMPLOYMENT_SERVICE
CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
SUMMARY_KEYS = {CREATE: "created", UPDATE: "updated", UNCHANGED: "unchanged"}


class ImportRejected(Exception):
    """Nothing was written; ``errors`` says why, each naming line and column or the file."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class RowPlan:
    """What one valid row will do. ``changes`` maps a field to (old, new)."""

    line: int
    jobseeker_ref: str
    point: str
    status: str
    contract_type: str
    date: dt.date
    action: str
    duo: Duo
    outcome: Outcome | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    @property
    def mentee(self) -> Mentee:
        return self.duo.mentee


@dataclass
class Preview:
    filename: str
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> dict[str, dict[str, int]]:
        counts = {point: dict.fromkeys(SUMMARY_KEYS.values(), 0) for point in Outcome.Point.values}
        for row in self.rows:
            counts[row.point][SUMMARY_KEYS[row.action]] += 1
        return counts


# --- cells -------------------------------------------------------------------


class _Invalid(Exception):
    def __init__(self, problem: str):
        self.problem = problem


def _text(value: Cell) -> str:
    return value.isoformat() if isinstance(value, dt.date) else value.strip()


def _shown(value: Cell) -> str:
    text = _text(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _code(value: Cell) -> str:
    return "_".join(_text(value).lower().replace("-", " ").split())


def _choice(values, message: str) -> Callable[[Cell], str]:
    def parse(value: Cell) -> str:
        code = _code(value)
        if code not in values:
            raise _Invalid(message % {"value": _shown(value)})
        return code

    return parse


def _jobseeker_ref(value: Cell) -> str:
    text = _text(value)
    if len(text) > 64:
        raise _Invalid(_("'%(value)s' is longer than 64 characters") % {"value": _shown(value)})
    return text


def _date(value: Cell) -> dt.date:
    try:
        return as_date(value)
    except ValueError:
        raise _Invalid(
            _("'%(value)s' is not a date (use YYYY-MM-DD)") % {"value": _shown(value)}
        ) from None


def _parsers() -> dict[str, Callable[[Cell], Any]]:
    # Built per call: the messages are translated in the language of the request.
    return {
        "jobseeker_ref": _jobseeker_ref,
        "point": _choice(Outcome.Point.values, _("'%(value)s' is not an outcome point")),
        "status": _choice(Outcome.Status.values, _("'%(value)s' is not a status")),
        "contract": _choice(Outcome.Contract.values, _("'%(value)s' is not a contract type")),
        "date": _date,
    }


# --- rows --------------------------------------------------------------------


@dataclass
class _Parsed:
    line: int
    values: dict[str, Any]  # column → value, blank cells left out

    @property
    def key(self) -> tuple[str, str]:
        return self.values["jobseeker_ref"], self.values["point"]


def _header_problems(table: Table) -> tuple[list[str], list[str]]:
    missing = [column for column in REQUIRED_COLUMNS if column not in table.header]
    errors, warnings = [], []
    if missing:
        errors.append(
            _("%(file)s: required columns missing from the header (line 1): %(missing)s.")
            % {"file": table.filename, "missing": ", ".join(missing)}
        )
    ignored = [column for column in table.header if column and column not in COLUMNS]
    if ignored:
        warnings.append(
            _("These columns are not part of the outcome import and are ignored: %(columns)s.")
            % {"columns": ", ".join(ignored)}
        )
    return errors, warnings


def _parse_row(line: int, record: dict[str, Cell], parsers) -> tuple[_Parsed, list[str]]:
    values: dict[str, Any] = {}
    errors = []
    for column in COLUMNS:
        raw = record.get(column, "")
        if raw == "":
            if column in REQUIRED_COLUMNS:
                errors.append(
                    cell_error(line=line, column=column, problem=_("a value is required"))
                )
            continue
        try:
            values[column] = parsers[column](raw)
        except _Invalid as exc:
            errors.append(cell_error(line=line, column=column, problem=exc.problem))
    if values.get("contract") and values.get("status", Outcome.Status.EMPLOYED) != "employed":
        problem = _("a contract type goes only with the status 'employed'")
        errors.append(cell_error(line=line, column="contract", problem=problem))
    return _Parsed(line=line, values=values), errors


def _parse_rows(table: Table) -> list[tuple[_Parsed, list[str]]]:
    """Every row with its errors; a (jobseeker_ref, point) pair may appear once."""
    parsers = _parsers()
    rows = []
    first_line: dict[tuple[str, str], int] = {}
    for line, record in table.records():
        row, row_errors = _parse_row(line, record, parsers)
        if "jobseeker_ref" in row.values and "point" in row.values:
            if row.key in first_line:
                problem = _("'%(ref)s' already has an outcome at %(point)s on line %(first)s") % {
                    "ref": row.key[0],
                    "point": row.key[1],
                    "first": first_line[row.key],
                }
                row_errors.append(cell_error(line=line, column="jobseeker_ref", problem=problem))
            first_line.setdefault(row.key, line)
        rows.append((row, row_errors))
    return rows


# --- plan --------------------------------------------------------------------


@dataclass
class _Target:
    mentees: list[Mentee]
    duo: Duo | None


def _targets(*, programme: Programme, refs: set[str]) -> dict[str, _Target]:
    """By jobseeker reference: the programme's mentees with it, and the last
    ended duo when there is exactly one such mentee (with its outcomes)."""
    targets: dict[str, _Target] = {}
    mentees = Mentee.objects.filter(programme=programme, jobseeker_ref__in=refs).order_by("pk")
    for mentee in mentees:
        targets.setdefault(mentee.jobseeker_ref, _Target(mentees=[], duo=None)).mentees.append(
            mentee
        )
    single = [t.mentees[0].pk for t in targets.values() if len(t.mentees) == 1]
    last: dict[int, Duo] = {}
    duos = (
        Duo.objects.filter(programme=programme, mentee_id__in=single, status=Duo.Status.ENDED)
        .select_related("programme", "mentee")
        .prefetch_related("outcomes")
        .order_by("mentee_id", "-started_on")
    )
    for duo in duos:
        last.setdefault(duo.mentee_id, duo)
    for target in targets.values():
        if len(target.mentees) == 1:
            target.duo = last.get(target.mentees[0].pk)
    return targets


def _match(row: _Parsed, targets: dict[str, _Target]) -> tuple[Duo | None, str | None]:
    ref = row.values["jobseeker_ref"]
    target = targets.get(ref)
    if target is None:
        return None, _("no mentee of this programme has the jobseeker reference '%(ref)s'") % {
            "ref": ref
        }
    if len(target.mentees) > 1:
        return None, _(
            "%(count)s mentees of this programme have the jobseeker reference '%(ref)s': "
            "merge them or correct their references first"
        ) % {"count": len(target.mentees), "ref": ref}
    if target.duo is None:
        return None, _(
            "the mentee with the jobseeker reference '%(ref)s' has no ended duo in this programme"
        ) % {"ref": ref}
    return target.duo, None


def _row_plan(row: _Parsed, duo: Duo) -> tuple[RowPlan | None, str | None]:
    point = row.values["point"]
    outcome = next((o for o in duo.outcomes.all() if o.point == point), None)
    date = row.values.get("date")
    if date is None:
        if outcome is not None:
            date = outcome.date
        else:
            date = duo.ended_on if point == Outcome.Point.EXIT else follow_up_date(duo)
    if date < duo.started_on:
        problem = _("%(date)s is before the duo started (%(start)s)") % {
            "date": date.isoformat(),
            "start": duo.started_on.isoformat(),
        }
        return None, cell_error(line=row.line, column="date", problem=problem)
    plan = RowPlan(
        line=row.line,
        jobseeker_ref=row.values["jobseeker_ref"],
        point=point,
        status=row.values["status"],
        contract_type=row.values.get("contract", ""),
        date=date,
        action=CREATE,
        duo=duo,
        outcome=outcome,
    )
    if outcome is not None:
        for name in ("status", "contract_type", "date"):
            old, new = getattr(outcome, name), getattr(plan, name)
            if old != new:
                plan.changes[name] = (old, new)
        plan.action = UPDATE if plan.changes else UNCHANGED
    return plan, None


def _plan(*, programme: Programme, table: Table) -> Preview:
    preview = Preview(filename=table.filename)
    preview.errors, preview.warnings = _header_problems(table)
    if preview.errors:
        return preview
    rows = _parse_rows(table)
    refs = {row.values["jobseeker_ref"] for row, _errors in rows if "jobseeker_ref" in row.values}
    targets = _targets(programme=programme, refs=refs)
    for row, errors in rows:  # in file order; a row's errors in column order
        duo = None
        if "jobseeker_ref" in row.values:
            duo, problem = _match(row, targets)
            if problem:
                errors.insert(0, cell_error(line=row.line, column="jobseeker_ref", problem=problem))
        if errors or duo is None:
            preview.errors += errors
            continue
        plan, error = _row_plan(row, duo)
        if error:
            preview.errors.append(error)
        else:
            preview.rows.append(plan)
    return preview


def outcome_import_preview(*, programme: Programme, content: bytes, filename: str) -> Preview:
    """What importing this file into ``programme`` would do; writes nothing."""
    try:
        table = read_table(content=content, filename=filename)
    except SpreadsheetError as exc:
        return Preview(filename=filename, errors=[exc.message])
    return _plan(programme=programme, table=table)


# --- apply -------------------------------------------------------------------


def outcome_import_apply(
    actor, *, programme: Programme, content: bytes, filename: str
) -> dict[str, dict[str, int]]:
    """Validate every row, then record all the changed outcomes in one
    transaction, or nothing. Raises ``ImportRejected``; returns counts per point."""
    try:
        table = read_table(content=content, filename=filename)
    except SpreadsheetError as exc:
        raise ImportRejected([exc.message]) from None
    try:
        with transaction.atomic():
            # The programme's row serialises two imports into it.
            Programme.objects.select_for_update().get(pk=programme.pk)
            preview = _plan(programme=programme, table=table)
            if preview.errors:
                raise ImportRejected(preview.errors)
            for row in preview.rows:
                if row.action != UNCHANGED:
                    _write(actor, row)
    except IntegrityError:
        raise ImportRejected(
            [_("The outcomes changed while importing; nothing was written. Try again.")]
        ) from None
    return preview.summary()


def _write(actor, row: RowPlan) -> None:
    try:
        outcome_record(
            actor,
            duo=row.duo,
            point=row.point,
            status=row.status,
            contract_type=row.contract_type,
            date=row.date,
            source=SOURCE,
            note=row.outcome.note if row.outcome else "",
        )
    except ValidationError as exc:  # the duo changed since it was read
        problems = " ".join(exc.messages)
        raise ImportRejected([cell_error(line=row.line, column=None, problem=problems)]) from None


# --- the upload, kept between preview and confirmation -----------------------


def data_import_create(actor, *, programme: Programme, filename: str, content: bytes) -> DataImport:
    """Keep an uploaded outcome file until it is confirmed."""
    return upload_create(
        actor, programme=programme, kind=ImportKind.OUTCOMES, filename=filename, content=content
    )


def data_import_preview(*, data_import: DataImport) -> Preview:
    return outcome_import_preview(**upload_arguments(data_import))


def data_import_confirm(actor, *, data_import: DataImport) -> Confirmation:
    return upload_confirm(
        actor, data_import=data_import, kind=ImportKind.OUTCOMES, apply=outcome_import_apply
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
