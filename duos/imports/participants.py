"""The participant import (DESIGN.md "Public formats" → "Participant import").

One row per mentee or mentor:
``ref, kind, first_name, last_name, email, phone, birth_date, gender, postcode,
municipality, languages, sectors, education_level``, plus for mentees
``employment_status, jobseeker_ref`` and for mentors ``profession, capacity``.
Only ``ref``, ``kind`` and ``first_name`` are required columns.

Rules (the contract, and the choices made where it is silent):
- The key is (programme, kind, ref): importing the same file again changes
  nothing; a changed row updates only the fields that changed (audited).
- A new ref creates a record with origin "import", status "applied" and no
  consent recorded: consent is asked for later, at the intake interview.
- All or nothing: every row is validated first; any error and nothing is
  written. Messages name the line and the column, as in
  "line 7 (the header is line 1), column birth_date: '31/02/1990' is not a
  date (use YYYY-MM-DD)".
- A blank cell never erases a stored value (a partial sheet loses nothing);
  a column that is not in the file is left alone.
- ``employment_status`` is the mentee's situation at entry: written when
  empty, never overwritten (a different value is reported, not applied).
- Codes are matched case-insensitively, with spaces and hyphens read as "_";
  ``education_level`` also accepts "0-2", "3-4" and "5-8". Lists
  (``languages``, ``sectors``) are separated by ";" (a "," is accepted too).
- A ref may appear once per kind in a file. Columns the import does not know
  are listed as ignored (so a list export can be re-imported).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duos.imports.flow import Confirmation, upload_arguments, upload_confirm, upload_create
from duos.imports.reader import (
    Cell,
    SpreadsheetError,
    Table,
    as_date,
    cell_error,
    read_table,
)
from duos.models import (
    DataImport,
    EmploymentStatus,
    Gender,
    ImportKind,
    Mentee,
    Mentor,
    Origin,
    PipelineStatus,
)
from duos.vocab import SECTORS
from programmes.models import EducationLevel, Programme

KIND_MODELS: dict[str, type[Mentee] | type[Mentor]] = {"mentee": Mentee, "mentor": Mentor}
COMMON_COLUMNS = (
    "ref",
    "kind",
    "first_name",
    "last_name",
    "email",
    "phone",
    "birth_date",
    "gender",
    "postcode",
    "municipality",
    "languages",
    "sectors",
    "education_level",
)
KIND_COLUMNS = {
    "mentee": ("employment_status", "jobseeker_ref"),
    "mentor": ("profession", "capacity"),
}
COLUMNS = COMMON_COLUMNS + KIND_COLUMNS["mentee"] + KIND_COLUMNS["mentor"]
REQUIRED_COLUMNS = ("ref", "kind", "first_name")
FIELD_FOR = {"employment_status": "employment_status_at_entry"}  # column → model field
EDUCATION_ALIASES = {"0_2": "isced_0_2", "3_4": "isced_3_4", "5_8": "isced_5_8"}
SECTOR_CODES = tuple(code for code, _label in SECTORS)
ISO_639_1 = frozenset(
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu "
    "cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi "
    "ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks "
    "ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl "
    "nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl "
    "sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve "
    "vi vo wa wo xh yi yo za zh zu".split()
)
OLDEST_BIRTH_DATE = dt.date(1900, 1, 1)

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
SUMMARY_KEYS = {CREATE: "created", UPDATE: "updated", UNCHANGED: "unchanged"}


class ImportRejected(Exception):
    """Nothing was written; ``errors`` says why, each naming line and column or the file."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class RowPlan:
    """What one valid row will do. ``changes`` is keyed by column name."""

    line: int
    kind: str
    ref: str
    name: str
    action: str
    changes: dict[str, Any] = field(default_factory=dict)
    person: Mentee | Mentor | None = None


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
        counts = {kind: dict.fromkeys(SUMMARY_KEYS.values(), 0) for kind in KIND_MODELS}
        for row in self.rows:
            counts[row.kind][SUMMARY_KEYS[row.action]] += 1
        return counts


# --- cells -------------------------------------------------------------------


class _Invalid(Exception):
    def __init__(self, problem: str):
        self.problem = problem


def _text(value: Cell) -> str:
    return value.isoformat() if isinstance(value, dt.date) else value.strip()


def _code(value: Cell) -> str:
    return "_".join(_text(value).lower().replace("-", " ").split())


def _shown(value: Cell) -> str:
    text = _text(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _limited(limit: int) -> Callable[[Cell], str]:
    def parse(value: Cell) -> str:
        text = _text(value)
        if len(text) > limit:
            raise _Invalid(
                _("'%(value)s' is longer than %(limit)s characters")
                % {"value": _shown(value), "limit": limit}
            )
        return text

    return parse


def _choice(values, message, aliases: dict[str, str] | None = None) -> Callable[[Cell], str]:
    def parse(value: Cell) -> str:
        code = _code(value)
        code = (aliases or {}).get(code, code)
        if code not in values:
            raise _Invalid(message % {"value": _shown(value), "options": ", ".join(values)})
        return code

    return parse


def _codes(check: Callable[[Cell], str]) -> Callable[[Cell], list[str]]:
    def parse(value: Cell) -> list[str]:
        items = [item for item in _text(value).replace(",", ";").split(";") if item.strip()]
        return list(dict.fromkeys(check(item) for item in items))

    return parse


def _language(value: Cell) -> str:
    code = _text(value).lower()
    if code not in ISO_639_1:
        raise _Invalid(
            _("'%(value)s' is not a two-letter ISO 639-1 language code (such as fr, nl, ar)")
            % {"value": _shown(value)}
        )
    return code


def _birth_date(value: Cell) -> dt.date:
    try:
        date = as_date(value)
    except ValueError:
        raise _Invalid(
            _("'%(value)s' is not a date (use YYYY-MM-DD)") % {"value": _shown(value)}
        ) from None
    if not OLDEST_BIRTH_DATE <= date < timezone.localdate():
        raise _Invalid(
            _("'%(value)s' is not a plausible birth date (from 1900 to yesterday)")
            % {"value": _shown(value)}
        )
    return date


def _postcode(value: Cell) -> str:
    text = _text(value)
    if not (len(text) == 4 and text.isascii() and text.isdigit() and text[0] != "0"):
        raise _Invalid(
            _("'%(value)s' is not a Belgian postcode (four digits, 1000 to 9999)")
            % {"value": _shown(value)}
        )
    return text


def _capacity(value: Cell) -> int:
    text = _text(value)
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 10):
        raise _Invalid(
            _("'%(value)s' is not a whole number from 1 to 10") % {"value": _shown(value)}
        )
    return int(text)


def _email(value: Cell) -> str:
    text = _limited(254)(value)
    try:
        EmailValidator()(text)
    except ValidationError:
        raise _Invalid(
            _("'%(value)s' is not an e-mail address") % {"value": _shown(value)}
        ) from None
    return text


PARSERS: dict[str, Callable[[Cell], Any]] = {
    "ref": _limited(64),
    "kind": _choice(
        tuple(KIND_MODELS), gettext_lazy("'%(value)s' is not a kind (use %(options)s)")
    ),
    "first_name": _limited(100),
    "last_name": _limited(100),
    "email": _email,
    "phone": _limited(32),
    "birth_date": _birth_date,
    "gender": _choice(
        tuple(Gender.values), gettext_lazy("'%(value)s' is not a gender (use %(options)s)")
    ),
    "postcode": _postcode,
    "municipality": _limited(100),
    "languages": _codes(_language),
    "sectors": _codes(
        _choice(SECTOR_CODES, gettext_lazy("'%(value)s' is not a sector code (use %(options)s)"))
    ),
    "education_level": _choice(
        tuple(EducationLevel.values),
        gettext_lazy("'%(value)s' is not an education level (use %(options)s)"),
        aliases=EDUCATION_ALIASES,
    ),
    "employment_status": _choice(
        tuple(EmploymentStatus.values),
        gettext_lazy("'%(value)s' is not an employment status (use %(options)s)"),
    ),
    "jobseeker_ref": _limited(64),
    "profession": _limited(120),
    "capacity": _capacity,
}


# --- rows --------------------------------------------------------------------


@dataclass
class _Parsed:
    line: int
    kind: str
    ref: str
    values: dict[str, Any]  # column → value, blank cells left out


def _header_problems(table: Table) -> tuple[list[str], list[str]]:
    """(errors, warnings) about the header: required columns, ignored ones."""
    missing = [column for column in REQUIRED_COLUMNS if column not in table.header]
    errors = []
    if missing:
        errors.append(
            _("%(file)s: required columns missing from the header (line 1): %(missing)s.")
            % {"file": table.filename, "missing": ", ".join(missing)}
        )
    ignored = [column for column in table.header if column and column not in COLUMNS]
    warnings = []
    if ignored:
        warnings.append(
            _("These columns are not part of the participant import and are ignored: %(columns)s.")
            % {"columns": ", ".join(ignored)}
        )
    return errors, warnings


ONLY_FOR = {
    "mentee": gettext_lazy("'%(value)s' is for mentees only: leave it empty on a mentor row"),
    "mentor": gettext_lazy("'%(value)s' is for mentors only: leave it empty on a mentee row"),
}


def _check_cell(column: str, raw: Cell, kind: str | None) -> Any:
    for owner, columns in KIND_COLUMNS.items():
        if column in columns and kind is not None and kind != owner:
            raise _Invalid(ONLY_FOR[owner] % {"value": _shown(raw)})
    return PARSERS[column](raw)


def _kind_of(record: dict[str, Cell]) -> str | None:
    try:
        return PARSERS["kind"](record.get("kind", ""))
    except _Invalid:
        return None


def _parse_row(line: int, record: dict[str, Cell]) -> tuple[_Parsed, list[str]]:
    kind = _kind_of(record)
    values: dict[str, Any] = {}
    errors = []
    for column in COLUMNS:
        raw = record.get(column, "")
        if raw == "":
            if column in REQUIRED_COLUMNS:
                problem = _("a value is required")
                errors.append(cell_error(line=line, column=column, problem=problem))
            continue
        try:
            value = _check_cell(column, raw, kind)
        except _Invalid as exc:
            errors.append(cell_error(line=line, column=column, problem=exc.problem))
            continue
        if value != []:  # a cell holding only ";" is blank too
            values[column] = value
    parsed = _Parsed(line=line, kind=kind or "", ref=values.get("ref", ""), values=values)
    return parsed, errors


def _parse_rows(table: Table) -> tuple[list[_Parsed], list[str]]:
    """Valid rows and every error; a ref may appear once per kind in the file."""
    parsed: list[_Parsed] = []
    errors: list[str] = []
    first_line: dict[tuple[str, str], int] = {}
    for line, record in table.records():
        row, row_errors = _parse_row(line, record)
        key = (row.kind, row.ref)
        if row.kind and row.ref and key in first_line:
            problem = _("'%(ref)s' is already the reference of the %(kind)s on line %(first)s") % {
                "ref": row.ref,
                "kind": row.kind,
                "first": first_line[key],
            }
            row_errors.append(cell_error(line=line, column="ref", problem=problem))
        first_line.setdefault(key, line)
        errors += row_errors
        if not row_errors:
            parsed.append(row)
    return parsed, errors


# --- plan --------------------------------------------------------------------


def _existing(*, programme: Programme, lock: bool) -> dict[tuple[str, str], Mentee | Mentor]:
    """The programme's participants with a reference, by (kind, ref)."""
    found: dict[tuple[str, str], Mentee | Mentor] = {}
    for kind, model in KIND_MODELS.items():
        people = model.objects.filter(programme=programme).exclude(ref="")
        if kind == "mentor":
            people = people.select_related("user")
        if lock:
            people = people.select_for_update(of=("self",))
        found.update({(kind, person.ref): person for person in people})
    return found


def _differs(current: Any, new: Any) -> bool:
    if isinstance(current, list) and isinstance(new, list):
        return set(current) != set(new)  # the same languages in another order: no change
    return current != new


def _row_plan(row: _Parsed, person: Mentee | Mentor | None) -> tuple[RowPlan, list[str]]:
    values = {column: value for column, value in row.values.items() if column != "kind"}
    name = f"{values.get('first_name', '')} {values.get('last_name', '')}".strip()
    plan = RowPlan(line=row.line, kind=row.kind, ref=row.ref, name=name, action=CREATE)
    if person is None:
        plan.changes = values
        return plan, []
    plan.person = person
    warnings = []
    for column, value in values.items():
        current = getattr(person, FIELD_FOR.get(column, column))
        if column == "employment_status" and current:
            if current != value:  # the situation at entry is never overwritten
                warnings.append(_situation_kept(row.line, current))
        elif _differs(current, value):
            plan.changes[column] = value
    if "email" in plan.changes and getattr(person, "user", None) is not None:
        warnings.append(_login_unchanged(row.line, person))
    plan.action = UPDATE if plan.changes else UNCHANGED
    return plan, warnings


def _situation_kept(line: int, current: str) -> str:
    problem = _(
        "the situation at entry is already recorded (%(current)s) and is never overwritten; "
        "this value is ignored"
    ) % {"current": current}
    return cell_error(line=line, column="employment_status", problem=problem)


def _login_unchanged(line: int, mentor: Mentor) -> str:
    problem = _("this mentor signs in as %(login)s; the import does not change their login") % {
        "login": mentor.user.email
    }
    return cell_error(line=line, column="email", problem=problem)


def _plan(*, programme: Programme, table: Table, lock: bool) -> Preview:
    preview = Preview(filename=table.filename)
    preview.errors, preview.warnings = _header_problems(table)
    if preview.errors:
        return preview
    parsed, preview.errors = _parse_rows(table)
    existing = _existing(programme=programme, lock=lock)
    for row in parsed:
        plan, warnings = _row_plan(row, existing.get((row.kind, row.ref)))
        preview.rows.append(plan)
        preview.warnings += warnings
    return preview


def participant_import_preview(*, programme: Programme, content: bytes, filename: str) -> Preview:
    """What importing this file into ``programme`` would do; writes nothing."""
    try:
        table = read_table(content=content, filename=filename)
    except SpreadsheetError as exc:
        return Preview(filename=filename, errors=[exc.message])
    return _plan(programme=programme, table=table, lock=False)


# --- apply -------------------------------------------------------------------


def _write(row: RowPlan, *, programme: Programme) -> None:
    fields = {FIELD_FOR.get(column, column): value for column, value in row.changes.items()}
    if row.action == CREATE:
        KIND_MODELS[row.kind].objects.create(
            programme=programme, origin=Origin.IMPORT, status=PipelineStatus.APPLIED, **fields
        )
    elif row.action == UPDATE:
        for name, value in fields.items():
            setattr(row.person, name, value)
        row.person.save(update_fields=[*fields, "updated_at"])


def participant_import_apply(
    actor, *, programme: Programme, content: bytes, filename: str
) -> dict[str, dict[str, int]]:
    """Validate every row, then write all of them in one transaction, or nothing.

    Raises ``ImportRejected`` with every error; returns the counts per kind."""
    try:
        table = read_table(content=content, filename=filename)
    except SpreadsheetError as exc:
        raise ImportRejected([exc.message]) from None
    try:
        with transaction.atomic(), set_actor(actor):
            preview = _plan(programme=programme, table=table, lock=True)
            if preview.errors:
                raise ImportRejected(preview.errors)
            for row in preview.rows:
                _write(row, programme=programme)
    except IntegrityError:
        # A record with one of these refs was created meanwhile, by someone else.
        raise ImportRejected(
            [_("The participants changed while importing; nothing was written. Try again.")]
        ) from None
    return preview.summary()


# --- the upload, kept between preview and confirmation -----------------------


def data_import_create(actor, *, programme: Programme, filename: str, content: bytes) -> DataImport:
    """Keep an uploaded participant file until it is confirmed."""
    return upload_create(
        actor, programme=programme, kind=ImportKind.PARTICIPANTS, filename=filename, content=content
    )


def data_import_preview(*, data_import: DataImport) -> Preview:
    return participant_import_preview(**upload_arguments(data_import))


def data_import_confirm(actor, *, data_import: DataImport) -> Confirmation:
    return upload_confirm(
        actor, data_import=data_import, kind=ImportKind.PARTICIPANTS, apply=participant_import_apply
    )


# --- the template ------------------------------------------------------------

TEMPLATE_ROWS = [
    {
        "ref": "ME-0001",
        "kind": "mentee",
        "first_name": "Amina",
        "last_name": "Example",
        "email": "amina.example@demo.invalid",
        "phone": "0470 12 34 56",
        "birth_date": dt.date(2001, 5, 17),
        "gender": "female",
        "postcode": "1080",
        "municipality": "Molenbeek-Saint-Jean",
        "languages": "fr; ar",
        "sectors": "logistics; retail",
        "education_level": "isced_3_4",
        "employment_status": "unemployed",
        "jobseeker_ref": "JS-123456",
    },
    {
        "ref": "MR-0001",
        "kind": "mentor",
        "first_name": "Marc",
        "last_name": "Example",
        "email": "marc.example@demo.invalid",
        "phone": "0475 98 76 54",
        "birth_date": dt.date(1962, 3, 2),
        "gender": "male",
        "postcode": "1000",
        "municipality": "Bruxelles",
        "languages": "fr; nl",
        "sectors": "logistics",
        "education_level": "isced_5_8",
        "profession": "Warehouse manager",
        "capacity": 2,
    },
]


def template_table() -> dict:
    """Header and example rows of the downloadable template (for ``table_response``)."""
    rows = [[example.get(column, "") for column in COLUMNS] for example in TEMPLATE_ROWS]
    return {"header": list(COLUMNS), "rows": rows}
