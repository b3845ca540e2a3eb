"""The row layer every import shares: cell parsers, code normalisation, one
error type naming the line and the column, the header check, the preview, and
the memory of what the last import said.

A parser takes a cell (text, or a date from an XLSX date cell) and returns the
value, or raises ``RowError`` with the problem alone; ``Row.get`` adds the line
and the column, so every message reads the same in every import:
"line 7 (the header is line 1), column exit_status: 'flying' is not a status
(valid: employed, self_employed, …)".

Re-importing (DESIGN.md "Public formats"): a blank cell never erases a recorded
value, and a cell that says what the last import of the same key said changes
nothing, whatever was recorded or corrected on the screens since
(``ImportedRow`` keeps what the last import said, per key).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from duos.imports.reader import Cell, Table, as_date, where
from duos.models import ImportedRow
from programmes.models import Programme

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
SUMMARY_KEYS = {CREATE: "created", UPDATE: "updated", UNCHANGED: "unchanged"}
SHOWN_CHARS = 40


class RowError(Exception):
    """One problem in an imported file. With a line (and a column) it reads
    "line 7 (the header is line 1), column exit_status: 'flying' is not a status";
    without a line it is about the whole file, and its problem names the file."""

    def __init__(self, problem: str, *, line: int | None = None, column: str | None = None):
        self.problem, self.line, self.column = problem, line, column
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is None:
            return self.problem
        return f"{where(line=self.line, column=self.column)}: {self.problem}"

    def at(self, *, line: int, column: str | None = None) -> RowError:
        return RowError(self.problem, line=line, column=column or self.column)


class ImportRejected(Exception):
    """Nothing was written; ``errors`` says why, each naming its line and column or the file."""

    def __init__(self, errors: Iterable[RowError | str]):
        self.errors = [str(error) for error in errors]
        super().__init__("; ".join(self.errors))


# --- cells -----------------------------------------------------------------------


def text(value: Cell) -> str:
    return value.isoformat() if isinstance(value, dt.date) else value.strip()


def code(value: Cell) -> str:
    """A code as written by people: "Self-Employed " → "self_employed"."""
    return "_".join(text(value).lower().replace("-", " ").split())


def shown(value: Cell) -> str:
    """A cell quoted in a message, cut short."""
    value = text(value)
    return value if len(value) <= SHOWN_CHARS else value[:SHOWN_CHARS] + "…"


def limited(limit: int) -> Callable[[Cell], str]:
    def parse(value: Cell) -> str:
        result = text(value)
        if len(result) > limit:
            raise RowError(
                _("'%(value)s' is longer than %(limit)s characters")
                % {"value": shown(value), "limit": limit}
            )
        return result

    return parse


def choice(codes: Iterable[str], message, aliases: dict[str, str] | None = None):
    """A parser for one code among ``codes``; ``message`` is a lazy text with
    ``%(value)s`` ("'%(value)s' is not a status"), followed by the valid codes."""
    codes = tuple(codes)

    def parse(value: Cell) -> str:
        found = code(value)
        found = (aliases or {}).get(found, found)
        if found not in codes:
            problem = message % {"value": shown(value)}
            valid = _("(valid: %(codes)s)") % {"codes": ", ".join(codes)}
            raise RowError(f"{problem} {valid}")
        return found

    return parse


def items(parse_one: Callable[[Cell], str]) -> Callable[[Cell], list[str]]:
    """A ";"-separated list (a "," is accepted too), each item parsed, repeats dropped."""

    def parse(value: Cell) -> list[str]:
        parts = [part for part in text(value).replace(",", ";").split(";") if part.strip()]
        return list(dict.fromkeys(parse_one(part) for part in parts))

    return parse


def date(value: Cell) -> dt.date:
    """A date cell, or ISO text (YYYY-MM-DD)."""
    try:
        return as_date(value)
    except ValueError:
        raise RowError(
            _("'%(value)s' is not a date (use YYYY-MM-DD)") % {"value": shown(value)}
        ) from None


def past_date(value: Cell) -> dt.date:
    """A date no later than today (a historical record)."""
    day = date(value)
    if day > timezone.localdate():
        raise RowError(_("%(date)s is in the future") % {"date": day.isoformat()})
    return day


def whole_number(low: int, high: int) -> Callable[[Cell], int]:
    def parse(value: Cell) -> int:
        digits = text(value)
        if not (digits.isascii() and digits.isdigit() and low <= int(digits) <= high):
            raise RowError(
                _("'%(value)s' is not a whole number from %(low)s to %(high)s")
                % {"value": shown(value), "low": low, "high": high}
            )
        return int(digits)

    return parse


def email(value: Cell) -> str:
    address = limited(254)(value)
    try:
        EmailValidator()(address)
    except ValidationError:
        raise RowError(
            _("'%(value)s' is not an e-mail address") % {"value": shown(value)}
        ) from None
    return address


# --- rows ------------------------------------------------------------------------


class Row:
    """One record of the table, read column by column; problems are collected
    with their line and column, in the order the columns are read."""

    def __init__(self, line: int, record: dict[str, Cell]):
        self.line, self.record = line, record
        self.errors: list[RowError] = []

    def blank(self, column: str) -> bool:
        return self.record.get(column, "") == ""

    def get(self, column: str, parse: Callable[[Cell], Any], *, required: bool = False):
        """The parsed cell; None when blank (or wrong: the error is kept)."""
        if self.blank(column):
            if required:
                self.fail(column, _("a value is required"))
            return None
        try:
            return parse(self.record[column])
        except RowError as exc:
            self.errors.append(exc.at(line=self.line, column=column))
            return None

    def fail(self, column: str | None, problem: str) -> None:
        self.errors.append(RowError(problem, line=self.line, column=column))


def header_problems(
    table: Table, *, columns: Iterable[str], required: Iterable[str]
) -> tuple[list[RowError], list[str]]:
    """(errors, warnings) about the header: required columns missing, unknown ones ignored."""
    columns = tuple(columns)
    missing = [column for column in required if column not in table.header]
    errors = []
    if missing:
        errors.append(
            RowError(
                _("%(file)s: required columns missing from the header (line 1): %(missing)s.")
                % {"file": table.filename, "missing": ", ".join(missing)}
            )
        )
    ignored = [column for column in table.header if column and column not in columns]
    warnings = []
    if ignored:
        warnings.append(
            _("These columns are not part of this import and are ignored: %(columns)s.")
            % {"columns": ", ".join(ignored)}
        )
    return errors, warnings


# --- the preview -----------------------------------------------------------------


@dataclass
class RowPlan:
    """What one valid row will do. ``actions`` gives the action per summary
    group (a historical duo counts as a duo, and for each outcome it carries);
    ``changes`` maps a column to (recorded, new); ``said`` is what the row says,
    kept for the next import; ``shown`` are the preview's cells."""

    line: int
    key: str
    actions: dict[str, str]
    said: dict[str, Any]
    shown: tuple = ()
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    target: Any = None  # the record the row is about, when it exists
    values: dict[str, Any] = field(default_factory=dict)  # what the importer writes

    @property
    def action(self) -> str:
        """The row as a whole: new when its record is new, updated when anything changes."""
        actions = list(self.actions.values())
        if actions and actions[0] == CREATE:
            return CREATE
        return UPDATE if any(action != UNCHANGED for action in actions) else UNCHANGED


@dataclass
class Preview:
    filename: str
    groups: tuple[str, ...]
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_errors(self, errors: Iterable[RowError | str]) -> None:
        self.errors += [str(error) for error in errors]

    def summary(self) -> dict[str, dict[str, int]]:
        counts = {group: dict.fromkeys(SUMMARY_KEYS.values(), 0) for group in self.groups}
        for row in self.rows:
            for group, action in row.actions.items():
                counts[group][SUMMARY_KEYS[action]] += 1
        return counts


# --- what the last import said ---------------------------------------------------


def said(value: Any) -> Any:
    """A parsed cell as kept in ``ImportedRow.values`` (JSON): dates as ISO
    text, lists sorted (the same languages in another order say the same)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return sorted(value)
    return value


def remembered(*, programme: Programme, kind: str, keys: Iterable[str]) -> dict[str, dict]:
    """What the last import of ``kind`` said for these keys."""
    found: dict[str, dict] = {}
    keys = list(dict.fromkeys(keys))
    for start in range(0, len(keys), 2000):  # SQLite caps the parameters of one query
        rows = ImportedRow.objects.filter(
            programme=programme, kind=kind, key__in=keys[start : start + 2000]
        )
        found.update({row.key: row.values for row in rows})
    return found


def is_news(column: str, value: Any, before: dict) -> bool:
    """Whether a non-blank cell says something the last import did not."""
    return before.get(column, _MISSING) != said(value)


_MISSING = object()


def remember(*, programme: Programme, kind: str, rows: Iterable[RowPlan]) -> None:
    """Keep what each row said (blank cells keep what an earlier import said);
    rows that say what was already kept write nothing."""
    rows = list(rows)
    before = remembered(programme=programme, kind=kind, keys=[row.key for row in rows])
    new, changed = [], []
    for row in rows:
        old = before.get(row.key)
        values = {**(old or {}), **row.said}
        if old is None:
            new.append(ImportedRow(programme=programme, kind=kind, key=row.key, values=values))
        elif values != old:
            changed.append((row.key, values))
    ImportedRow.objects.bulk_create(new, batch_size=1000)
    for key, values in changed:
        ImportedRow.objects.filter(programme=programme, kind=kind, key=key).update(
            values=values, updated_at=timezone.now()
        )


def first_lines() -> Callable[[Any, int], int | None]:
    """``seen(key, line)``: the earlier line with this key, or None (and remember it)."""
    lines: dict[Any, int] = {}

    def seen(key: Any, line: int) -> int | None:
        first = lines.setdefault(key, line)
        return None if first == line else first

    return seen


# --- outcomes (the outcome import, and the outcomes of a historical duo) ---------


def outcome_values(
    current, *, status: str, contract: str | None, date: dt.date | None
) -> dict[str, Any]:
    """The outcome a row asks for, field by field. A blank cell (None) keeps
    what is recorded: the date, and the contract while the status stays employed."""
    keep_contract = current is not None and status == current.status
    if contract is None:
        contract = current.contract_type if keep_contract else ""
    if date is None and current is not None:
        date = current.date
    return {"status": status, "contract_type": contract, "date": date}


def changes_from(current, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Field → (recorded, new) where they differ."""
    changes = {}
    for name, new in values.items():
        old = getattr(current, name) if current is not None else None
        if old != new:
            changes[name] = (old, new)
    return changes
