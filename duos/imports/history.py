"""Historical import of duos (DESIGN.md "Public formats" → "Historical import"),
from ``manage.py import_duos`` or the coordinator's browser.

One row per duo: mentee_ref, mentor_ref, started_on (required), ended_on (blank:
active), end_reason (when ended), exit_status / exit_contract (outcome at exit,
dated ended_on), follow_up_status / follow_up_contract (outcome at follow-up,
dated ended_on + the programme's horizon).

Rules (the contract, and the choices made where it is silent):
- A row's key is (mentee_ref, started_on). Unknown references create
  pseudonymous participants (their reference as first name).
- Importing the same file again changes nothing, even after the mentee
  answered the follow-up by link or a coordinator corrected an outcome: a cell
  that says what the last import said is not news. A changed cell updates that
  duo or outcome (audited). A blank cell never erases: a blank outcome on an
  ended duo records nothing (it counts as ``unknown`` in the rates), and a
  blank ``ended_on`` never re-opens an ended duo.
- A mentor never runs more duos at once than their capacity (a new mentor's
  is 1: import the mentors with their capacity first); the row that would
  exceed it is refused, naming its line.
- Writes go through the services (``services.history``, ``outcome_record``):
  locks, audit, figures recomputed after the commit. Any error and nothing is
  written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duos.imports import rows
from duos.imports.flow import ColumnHelp, Importer
from duos.imports.reader import Table, as_date
from duos.imports.rows import CREATE, UNCHANGED, UPDATE, Preview, Row, RowError, RowPlan
from duos.models import (
    ContractType,
    Duo,
    EndReason,
    ImportKind,
    Mentee,
    Mentor,
    Outcome,
    OutcomeStatus,
    contract_problem,
)
from duos.services import outcome_record
from duos.services.history import capacity_problem, duo_correct_past, duo_record_past
from duos.services.participants import participant_create
from programmes.models import Programme

REQUIRED = ("mentee_ref", "mentor_ref", "started_on")
COLUMNS = (
    *REQUIRED,
    "ended_on",
    "end_reason",
    "exit_status",
    "exit_contract",
    "follow_up_status",
    "follow_up_contract",
)
DUO_COLUMNS = ("mentor_ref", "ended_on", "end_reason")
CELL_OF = {"contract_type": "contract"}  # an outcome's field → its cell (exit_<cell>)
POINTS = tuple(Outcome.Point.values)
GROUPS = ("duo", *POINTS)
SOURCE = Outcome.Source.COORDINATOR
RUNNING = (Duo.Status.ACTIVE, Duo.Status.ENDED)
NEW_MENTOR_CAPACITY = Mentor._meta.get_field("capacity").default

_STATUS = rows.choice(OutcomeStatus.values, gettext_lazy("'%(value)s' is not a status"))
_CONTRACT = rows.choice(ContractType.values, gettext_lazy("'%(value)s' is not a contract type"))
PARSERS = {
    "mentee_ref": rows.limited(64),
    "mentor_ref": rows.limited(64),
    "started_on": rows.past_date,
    "ended_on": rows.past_date,
    "end_reason": rows.choice(EndReason.values, gettext_lazy("'%(value)s' is not an end reason")),
    "exit_status": _STATUS,
    "exit_contract": _CONTRACT,
    "follow_up_status": _STATUS,
    "follow_up_contract": _CONTRACT,
}


# --- rows --------------------------------------------------------------------


def _parse(row: Row) -> dict[str, Any]:
    values = {}
    for column in COLUMNS:
        value = row.get(column, PARSERS[column], required=column in REQUIRED)
        if value is not None:
            values[column] = value
    _check_end(row, values)
    for point in POINTS:
        _check_outcome(row, values, point)
    return values


def _check_end(row: Row, values: dict) -> None:
    started, ended = values.get("started_on"), values.get("ended_on")
    if started and ended and ended < started:
        row.fail(
            "ended_on",
            _("%(date)s is before the duo started (%(start)s)")
            % {"date": ended.isoformat(), "start": started.isoformat()},
        )
    if ended and row.blank("end_reason"):
        row.fail("end_reason", _("an ended duo needs an end reason"))
    if "end_reason" in values and row.blank("ended_on"):
        row.fail("end_reason", _("an end reason goes only with ended_on"))


def _check_outcome(row: Row, values: dict, point: str) -> None:
    status, contract = f"{point}_status", f"{point}_contract"
    if not (row.blank(status) and row.blank(contract)) and row.blank("ended_on"):
        row.fail(status, _("outcomes are recorded for an ended duo only"))
    if contract in values and (status in values or row.blank(status)):
        problem = contract_problem(
            status=values.get(status, ""), contract_type=values.get(contract, "")
        )
        if problem:
            row.fail(contract, problem)


def _parse_rows(table: Table, preview: Preview) -> list[tuple[int, dict]]:
    """Valid rows; a key may appear once in the file, and a mentee may have one active duo."""
    parsed = []
    seen, active = rows.first_lines(), rows.first_lines()
    for line, record in table.records():
        row = Row(line, record)
        values = _parse(row)
        ref, started = values.get("mentee_ref"), values.get("started_on")
        if ref and started and (first := seen((ref, started), line)):
            row.fail(
                "started_on",
                _("the duo of %(ref)s started on %(date)s is already on line %(first)s")
                % {"ref": ref, "date": started.isoformat(), "first": first},
            )
        if ref and row.blank("ended_on") and (first := active(ref, line)):
            row.fail(
                "ended_on",
                _("%(ref)s already has an active duo on line %(first)s")
                % {"ref": ref, "first": first},
            )
        preview.add_errors(row.errors)
        if not row.errors:
            parsed.append((line, values))
    return parsed


# --- what is recorded ----------------------------------------------------------


@dataclass
class _Known:
    """The programme's records the file's rows are about."""

    mentors: dict[str, Mentor]
    duos: dict[tuple[str, dt.date], Duo]
    spans: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    active: dict[str, dt.date] = field(default_factory=dict)  # mentee_ref → its active duo


def _known(programme: Programme, parsed: list[tuple[int, dict]]) -> _Known:
    mentee_refs = {values["mentee_ref"] for _line, values in parsed}
    mentor_refs = {values["mentor_ref"] for _line, values in parsed}
    in_file = {(values["mentee_ref"], values["started_on"]) for _line, values in parsed}
    duos = Duo.objects.filter(programme=programme, status__in=RUNNING)
    known = _Known(
        mentors={m.ref: m for m in Mentor.objects.filter(programme=programme, ref__in=mentor_refs)},
        duos={
            (duo.mentee.ref, duo.started_on): duo
            for duo in duos.filter(mentee__ref__in=mentee_refs)
            .select_related("mentee", "mentor", "programme")
            .prefetch_related("outcomes")
        },
    )
    # The duos of these mentors that the file does not describe count as they are.
    others = duos.filter(mentor__ref__in=mentor_refs).values_list(
        "mentor__ref", "mentee__ref", "started_on", "ended_on"
    )
    for mentor_ref, mentee_ref, started_on, ended_on in others:
        if (mentee_ref, started_on) not in in_file:
            known.spans[mentor_ref].append((started_on, ended_on))
    for key, duo in known.duos.items():
        if key not in in_file and duo.status == Duo.Status.ACTIVE:
            known.active[key[0]] = key[1]
    return known


# --- plan --------------------------------------------------------------------


def _key(values: dict) -> str:
    return f"{values['mentee_ref']}|{values['started_on'].isoformat()}"


def _duo_changes(values: dict, duo: Duo | None, before: dict) -> dict[str, tuple[Any, Any]]:
    """The duo's fields the row changes: all of them for a new duo; else the
    cells that are news and differ from what is recorded."""
    recorded = {}
    if duo is not None:
        recorded = {"mentor_ref": duo.mentor.ref, "ended_on": duo.ended_on}
        recorded["end_reason"] = duo.end_reason
    changes = {}
    for column in DUO_COLUMNS:
        if column not in values:
            continue
        new = values[column]
        if duo is None or (rows.is_news(column, new, before) and recorded[column] != new):
            changes[column] = (recorded.get(column), new)
    return changes


def _outcome_plan(values: dict, duo: Duo | None, point: str, before: dict) -> dict | None:
    """What the row records at ``point``: None when its cells are blank or say
    nothing new; else the outcome's values and whether it is new."""
    status, contract = values.get(f"{point}_status"), values.get(f"{point}_contract")
    if status is None:
        return None
    current = None
    if duo is not None:
        current = next((o for o in duo.outcomes.all() if o.point == point), None)
    cells = {c: values[c] for c in (f"{point}_status", f"{point}_contract") if c in values}
    if current is not None and not any(rows.is_news(c, v, before) for c, v in cells.items()):
        return {"action": UNCHANGED}
    wanted = rows.outcome_values(current, status=status, contract=contract, date=None)
    del wanted["date"]  # dated by the duo's end (see ``_write_outcome``)
    changes = rows.changes_from(current, wanted)
    action = CREATE if current is None else UPDATE if changes else UNCHANGED
    return {"action": action, "changes": changes, "values": wanted, "current": current}


def _row_plan(line: int, values: dict, known: _Known, before: dict) -> RowPlan:
    duo = known.duos.get((values["mentee_ref"], values["started_on"]))
    changes = _duo_changes(values, duo, before)
    plan = RowPlan(
        line=line,
        key=_key(values),
        actions={"duo": CREATE if duo is None else UPDATE if changes else UNCHANGED},
        said={column: rows.said(value) for column, value in values.items()},
        shown=_shown(values),
        changes=changes if duo is not None else {},
        target=duo,
        values={"row": values, "duo": {c: new for c, (_old, new) in changes.items()}},
    )
    plan.values["outcomes"] = {}
    for point in POINTS:
        outcome = _outcome_plan(values, duo, point, before)
        if outcome is None:
            continue
        plan.actions[point] = outcome["action"]
        if outcome["action"] != UNCHANGED:
            plan.values["outcomes"][point] = outcome
            if duo is not None:
                plan.changes |= {
                    f"{point}_{CELL_OF.get(name, name)}": change
                    for name, change in outcome["changes"].items()
                }
    return plan


def _shown(values: dict) -> tuple:
    def outcome(point: str) -> str:
        status = values.get(f"{point}_status", "")
        contract = values.get(f"{point}_contract")
        return f"{status} ({contract})" if contract else status

    return (
        values["mentee_ref"],
        values["mentor_ref"],
        values["started_on"],
        values.get("ended_on") or "",
        values.get("end_reason", ""),
        outcome("exit"),
        outcome("follow_up"),
    )


def _final_span(plan: RowPlan) -> tuple[str, tuple]:
    """The mentor and the days of the duo once the row is written."""
    duo, row, changed = plan.target, plan.values["row"], plan.values["duo"]
    if duo is None:
        return row["mentor_ref"], (row["started_on"], row.get("ended_on"))
    mentor_ref = changed.get("mentor_ref", duo.mentor.ref)
    return mentor_ref, (duo.started_on, changed.get("ended_on", duo.ended_on))


def _check_people(plans: list[RowPlan], known: _Known) -> list[RowError]:
    """Capacity over time for every mentor, in order of start (the later duo is
    refused), and one active duo per mentee."""
    errors = []
    for plan in sorted(plans, key=lambda p: (p.values["row"]["started_on"], p.line)):
        mentor_ref, span = _final_span(plan)
        mentee_ref = plan.values["row"]["mentee_ref"]
        if plan.actions["duo"] != UNCHANGED:
            mentor = known.mentors.get(mentor_ref)
            capacity = mentor.capacity if mentor else NEW_MENTOR_CAPACITY
            others = known.spans[mentor_ref]
            problem = capacity_problem(
                mentor=mentor or mentor_ref, capacity=capacity, span=span, others=others
            )
            if problem:
                errors.append(RowError(problem, line=plan.line, column="mentor_ref"))
                continue
            if span[1] is None and known.active.get(mentee_ref, span[0]) != span[0]:
                problem = _("%(ref)s is already in an active duo, started on %(date)s") % {
                    "ref": mentee_ref,
                    "date": known.active[mentee_ref].isoformat(),
                }
                errors.append(RowError(problem, line=plan.line, column="ended_on"))
        known.spans[mentor_ref].append(span)
    return sorted(errors, key=lambda error: error.line)


def plan(*, programme: Programme, table: Table, preview: Preview) -> None:
    parsed = _parse_rows(table, preview)
    known = _known(programme, parsed)
    keys = [_key(values) for _line, values in parsed]
    before = rows.remembered(programme=programme, kind=ImportKind.DUOS, keys=keys)
    preview.rows = [
        _row_plan(line, values, known, before.get(_key(values), {})) for line, values in parsed
    ]
    preview.add_errors(_check_people(preview.rows, known))


# --- write -------------------------------------------------------------------


def _person(actor, programme: Programme, model, ref: str):
    """The programme's participant with this reference, or a pseudonymous new one."""
    person = model.objects.filter(programme=programme, ref=ref).first()
    if person is None:
        person = participant_create(
            actor, programme=programme, model=model, fields={"ref": ref, "first_name": ref}
        )
    return person


def write(actor, row: RowPlan, *, programme: Programme) -> None:
    values, changed, duo = row.values["row"], row.values["duo"], row.target
    if duo is None:
        duo = duo_record_past(
            actor,
            mentee=_person(actor, programme, Mentee, values["mentee_ref"]),
            mentor=_person(actor, programme, Mentor, values["mentor_ref"]),
            started_on=values["started_on"],
            ended_on=values.get("ended_on"),
            end_reason=values.get("end_reason", ""),
        )
    elif changed:
        mentor_ref = changed.get("mentor_ref")
        duo = duo_correct_past(
            actor,
            duo=duo,
            mentor=_person(actor, programme, Mentor, mentor_ref) if mentor_ref else None,
            ended_on=changed.get("ended_on"),
            end_reason=changed.get("end_reason", ""),
        )
    for point, outcome in row.values["outcomes"].items():
        _write_outcome(actor, duo, point, outcome)


def _write_outcome(actor, duo: Duo, point: str, outcome: dict) -> None:
    """A new outcome is dated by the duo's end (``outcome_record``'s default); a
    recorded one keeps its date (moved with the end by ``duo_correct_past``)."""
    wanted = outcome["values"]
    current = duo.outcomes.filter(point=point).first()  # as written so far
    outcome_record(
        actor,
        duo=duo,
        point=point,
        status=wanted["status"],
        contract_type=wanted["contract_type"],
        date=current.date if current else None,
        source=SOURCE,
        note=current.note if current else "",
    )


def write_order(row: RowPlan) -> tuple:
    """Earlier duos first: a mentee's ended duo before their next one."""
    return row.values["row"]["started_on"], row.line


def earliest_start(table: Table) -> dt.date | None:
    """The first ``started_on`` of the file (for a programme created by the command)."""
    days = []
    for _line, record in table.records():
        try:
            days.append(as_date(record.get("started_on", "")))
        except ValueError:
            continue
    return min(days, default=None)


# --- the template ------------------------------------------------------------

TEMPLATE_ROWS = [
    [
        "ME-0001",
        "MR-0001",
        dt.date(2024, 2, 5),
        dt.date(2024, 8, 5),
        "completed",
        "employed",
        "permanent",
        "employed",
        "permanent",
    ],
    ["ME-0002", "MR-0001", dt.date(2025, 9, 1), "", "", "", "", "", ""],
]


def template_table() -> dict:
    """Header and example rows of the downloadable template (for ``table_response``)."""
    return {"header": list(COLUMNS), "rows": TEMPLATE_ROWS}


IMPORTER = Importer(
    kind=ImportKind.DUOS,
    columns=COLUMNS,
    required=REQUIRED,
    groups=GROUPS,
    plan=plan,
    write=write,
    template=template_table,
    order=write_order,
)


# --- the format, as the upload page describes it --------------------------------

COLUMN_HELP = [
    ColumnHelp(
        ("mentee_ref", "mentor_ref"),
        gettext_lazy(
            "The programme's own references (required); unknown ones create pseudonymous "
            "participants. A mentor's capacity is 1 until the participant import says more."
        ),
    ),
    ColumnHelp(("started_on",), gettext_lazy("A date cell, or text as YYYY-MM-DD (required).")),
    ColumnHelp(("ended_on",), gettext_lazy("A date; empty: the duo is still active.")),
    ColumnHelp(("end_reason",), gettext_lazy("when ended."), tuple(EndReason.values)),
    ColumnHelp(
        ("exit_status", "follow_up_status"),
        gettext_lazy(
            "The outcome at exit (dated ended_on) and at follow-up (ended_on + the "
            "programme's horizon), for an ended duo; empty records nothing."
        ),
        tuple(OutcomeStatus.values),
    ),
    ColumnHelp(
        ("exit_contract", "follow_up_contract"),
        gettext_lazy("only with the status employed; may be empty."),
        tuple(ContractType.values),
    ),
]
