"""Historical import of duos (DESIGN.md "Public formats" → "Historical import").

One row per duo: mentee_ref, mentor_ref, started_on (required), ended_on (blank:
active), end_reason (when ended), exit_status / exit_contract (outcome at exit,
dated ended_on; blank on an ended duo counts as unknown), follow_up_status /
follow_up_contract (outcome at follow-up, dated ended_on + the programme's
horizon). A row's key is (mentee_ref, started_on): importing the same file again
changes nothing; a changed row updates that duo and its outcomes (audited).
Any error and nothing is written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from auditlog.context import set_actor
from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duos.imports.flow import upload_confirm, upload_create
from duos.imports.reader import SpreadsheetError, as_date, cell_error, read_table, where
from duos.models import (
    ContractType,
    Duo,
    EndReason,
    ImportKind,
    Mentee,
    Mentor,
    Origin,
    Outcome,
    OutcomeStatus,
)
from duos.services import figures_changed
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


class ImportRejected(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Planned:
    line: int
    mentee_ref: str
    mentor_ref: str
    started_on: dt.date
    ended_on: dt.date | None
    end_reason: str
    outcomes: dict = field(default_factory=dict)  # point → (status, contract)


def _text(value) -> str:
    return str(value).strip() if value not in (None, "") else ""


def _date(values, column, line, errors, *, required=False) -> dt.date | None:
    raw = values.get(column, "")
    if raw in ("", None):
        if required:
            errors.append(cell_error(line=line, column=column, problem=_("a value is required")))
        return None
    try:
        day = as_date(raw)
    except ValueError:
        errors.append(
            cell_error(
                line=line,
                column=column,
                problem=_("'%(value)s' is not a date (use YYYY-MM-DD)") % {"value": raw},
            )
        )
        return None
    if day > timezone.localdate():
        errors.append(
            cell_error(
                line=line, column=column, problem=_("%(date)s is in the future") % {"date": day}
            )
        )
    return day


def _code(values, column, line, errors, choices, what: str) -> str:
    value = _text(values.get(column)).lower()
    if value and value not in choices:
        errors.append(
            cell_error(
                line=line,
                column=column,
                problem=_("'%(value)s' is not %(what)s") % {"value": values[column], "what": what},
            )
        )
        return ""
    return value


def _outcome(values, point, line, errors, *, ended: bool):
    status = _code(values, f"{point}_status", line, errors, OutcomeStatus.values, _("a status"))
    contract = _code(
        values, f"{point}_contract", line, errors, ContractType.values, _("a contract type")
    )
    if (status or contract) and not ended:
        errors.append(
            cell_error(
                line=line,
                column=f"{point}_status",
                problem=_("outcomes are recorded for an ended duo only"),
            )
        )
    if contract and status != OutcomeStatus.EMPLOYED:
        errors.append(
            cell_error(
                line=line,
                column=f"{point}_contract",
                problem=_("a contract type goes only with the status 'employed'"),
            )
        )
    return status, contract


def _plan_row(line: int, values: dict, errors: list[str]) -> Planned | None:
    before = len(errors)
    refs = {}
    for column in ("mentee_ref", "mentor_ref"):
        refs[column] = _text(values.get(column))
        if not refs[column]:
            errors.append(cell_error(line=line, column=column, problem=_("a value is required")))
        elif len(refs[column]) > 64:
            errors.append(
                cell_error(
                    line=line,
                    column=column,
                    problem=_("'%(value)s' is longer than 64 characters") % {"value": refs[column]},
                )
            )
    started = _date(values, "started_on", line, errors, required=True)
    ended = _date(values, "ended_on", line, errors)
    if started and ended and ended < started:
        errors.append(
            cell_error(
                line=line,
                column="ended_on",
                problem=_("%(date)s is before the duo started (%(start)s)")
                % {"date": ended, "start": started},
            )
        )
    reason = _code(values, "end_reason", line, errors, EndReason.values, _("an end reason"))
    if ended and not reason and not _text(values.get("end_reason")):
        errors.append(
            cell_error(
                line=line, column="end_reason", problem=_("an ended duo needs an end reason")
            )
        )
    if reason and not ended:
        errors.append(
            cell_error(
                line=line, column="end_reason", problem=_("an end reason goes only with ended_on")
            )
        )
    outcomes = {
        point: _outcome(values, point, line, errors, ended=bool(ended))
        for point in ("exit", "follow_up")
    }
    if len(errors) > before:
        return None
    return Planned(line, refs["mentee_ref"], refs["mentor_ref"], started, ended, reason, outcomes)


def _check_file(plans: list[Planned], errors: list[str]) -> None:
    seen: dict[tuple, int] = {}
    active: dict[str, int] = {}
    for plan in plans:
        key = (plan.mentee_ref, plan.started_on)
        if key in seen:
            errors.append(
                cell_error(
                    line=plan.line,
                    column="started_on",
                    problem=_("the duo of %(ref)s started on %(date)s is already on line %(first)s")
                    % {"ref": plan.mentee_ref, "date": plan.started_on, "first": seen[key]},
                )
            )
        seen.setdefault(key, plan.line)
        if plan.ended_on is None:
            if plan.mentee_ref in active:
                errors.append(
                    cell_error(
                        line=plan.line,
                        column="ended_on",
                        problem=_("%(ref)s already has an active duo on line %(first)s")
                        % {"ref": plan.mentee_ref, "first": active[plan.mentee_ref]},
                    )
                )
            active.setdefault(plan.mentee_ref, plan.line)


def plan_file(*, content: bytes, filename: str) -> list[Planned]:
    """Read and check the whole file; raise ImportRejected with every error."""
    try:
        table = read_table(content=content, filename=filename)
    except SpreadsheetError as exc:
        raise ImportRejected([exc.message]) from exc
    missing = [c for c in REQUIRED if c not in table.header]
    if missing:
        raise ImportRejected(
            [
                _("%(file)s: required columns missing from the header (line 1): %(missing)s.")
                % {"file": filename, "missing": ", ".join(missing)}
            ]
        )
    errors: list[str] = []
    plans = [plan for line, values in table.records() if (plan := _plan_row(line, values, errors))]
    _check_file(plans, errors)
    if errors:
        raise ImportRejected(errors)
    return plans


# --- applying ------------------------------------------------------------------------


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    outcomes: int = 0


def _person(model, programme: Programme, ref: str, cache: dict):
    key = (model, ref)
    if key not in cache:
        person = model.objects.filter(programme=programme, ref=ref).first()
        if person is None:
            person = model.objects.create(
                programme=programme, ref=ref, first_name=ref, origin=Origin.IMPORT
            )
        cache[key] = person
    return cache[key]


def _save_if_changed(obj, values: dict) -> bool:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed and obj.pk:
        obj.save(update_fields=[*changed, "updated_at"])
    return bool(changed)


def _apply_duo(programme, plan: Planned, cache: dict, summary: Summary) -> Duo:
    mentee = _person(Mentee, programme, plan.mentee_ref, cache)
    mentor = _person(Mentor, programme, plan.mentor_ref, cache)
    values = {
        "programme_id": programme.pk,
        "mentor_id": mentor.pk,
        "status": Duo.Status.ENDED if plan.ended_on else Duo.Status.ACTIVE,
        "ended_on": plan.ended_on,
        "end_reason": plan.end_reason,
        "planned_end_on": plan.started_on + dt.timedelta(weeks=programme.duo_length_weeks),
    }
    duo = Duo.objects.filter(mentee=mentee, started_on=plan.started_on).first()
    if duo is None:
        duo = Duo.objects.create(
            mentee=mentee, started_on=plan.started_on, proposed_on=plan.started_on, **values
        )
        summary.created += 1
    elif _save_if_changed(duo, values):
        summary.updated += 1
    else:
        summary.unchanged += 1
    return duo


def _apply_outcomes(programme, duo: Duo, plan: Planned, summary: Summary) -> None:
    existing = {o.point: o for o in duo.outcomes.all()}
    for point, (status, contract) in plan.outcomes.items():
        if plan.ended_on is None or (point == "follow_up" and not status):
            if point in existing:
                existing[point].delete()
                summary.outcomes += 1
            continue
        on = (
            plan.ended_on
            if point == "exit"
            else plan.ended_on + relativedelta(months=programme.follow_up_months)
        )
        values = {"status": status or OutcomeStatus.UNKNOWN, "contract_type": contract, "date": on}
        outcome = existing.get(point)
        if outcome is None:
            Outcome.objects.create(
                duo=duo, point=point, source=Outcome.Source.COORDINATOR, **values
            )
            summary.outcomes += 1
        elif _save_if_changed(outcome, values):
            summary.outcomes += 1


def _settle_people(cache: dict) -> None:
    """Statuses after the import; a mentor's capacity covers their active duos."""
    for (model, _ref), person in cache.items():
        active = person.duos.filter(status=Duo.Status.ACTIVE).count()
        values = {"status": "in_duo" if active else "done"}
        if model is Mentor and active > person.capacity:
            values["capacity"] = min(active, 10)
        _save_if_changed(person, values)


def apply_file(actor, *, programme: Programme, content: bytes, filename: str) -> Summary:
    plans = plan_file(content=content, filename=filename)
    summary, cache = Summary(), {}
    with transaction.atomic(), set_actor(actor):
        for plan in sorted(plans, key=lambda p: (p.mentee_ref, p.started_on)):
            duo = _apply_duo(programme, plan, cache, summary)
            _apply_outcomes(programme, duo, plan, summary)
        _settle_people(cache)
        if summary.created or summary.updated or summary.outcomes:
            figures_changed(programme.pk)
    return summary


def preview_file(*, programme: Programme, content: bytes, filename: str) -> dict:
    """What the import would do, without writing: new and known duos per row."""
    plans = plan_file(content=content, filename=filename)
    known = set(
        Duo.objects.filter(programme=programme, started_on__isnull=False).values_list(
            "mentee__ref", "started_on"
        )
    )
    rows = [(plan, (plan.mentee_ref, plan.started_on) in known) for plan in plans]
    new = sum(1 for _plan, exists in rows if not exists)
    return {"rows": rows[:1000], "total": len(rows), "new": new, "known": len(rows) - new}


def _apply_upload(actor, *, programme, content, filename) -> dict:
    summary = apply_file(actor, programme=programme, content=content, filename=filename)
    return summary.__dict__


def upload_create_duos(actor, *, programme: Programme, filename: str, content: bytes):
    return upload_create(
        actor, programme=programme, kind=ImportKind.DUOS, filename=filename, content=content
    )


def upload_confirm_duos(actor, *, data_import):
    return upload_confirm(actor, data_import=data_import, kind=ImportKind.DUOS, apply=_apply_upload)


__all__ = [
    "COLUMNS",
    "ImportRejected",
    "Summary",
    "apply_file",
    "plan_file",
    "preview_file",
    "where",
]
