"""The participant import (DESIGN.md "Public formats" → "Participant import").

One row per mentee or mentor:
``ref, kind, first_name, last_name, email, phone, birth_date, gender, postcode,
municipality, languages, sectors, education_level``, plus for mentees
``employment_status, jobseeker_ref`` and for mentors ``profession, capacity``.
Only ``ref``, ``kind`` and ``first_name`` are required columns.

Rules (the contract, and the choices made where it is silent):
- The key is (programme, kind, ref): importing the same file again changes
  nothing, even after a coordinator corrected a field on screen (a cell that
  says what the last import said is not news); a changed cell updates that
  field (audited), through ``services.participants``.
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
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duos.imports import rows
from duos.imports.flow import ColumnHelp, Importer
from duos.imports.reader import Cell, Table
from duos.imports.rows import CREATE, UNCHANGED, UPDATE, Preview, Row, RowError, RowPlan
from duos.models import EmploymentStatus, Gender, ImportKind, Mentee, Mentor
from duos.services.participants import participant_create, participant_update
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
GROUPS = tuple(KIND_MODELS)
KIND_LABELS = {"mentee": gettext_lazy("mentee"), "mentor": gettext_lazy("mentor")}


# --- cells -------------------------------------------------------------------


def _language(value: Cell) -> str:
    code = rows.text(value).lower()
    if code not in ISO_639_1:
        raise RowError(
            _("'%(value)s' is not a two-letter ISO 639-1 language code (such as fr, nl, ar)")
            % {"value": rows.shown(value)}
        )
    return code


def _birth_date(value: Cell) -> dt.date:
    date = rows.date(value)
    if not OLDEST_BIRTH_DATE <= date < timezone.localdate():
        raise RowError(
            _("'%(value)s' is not a plausible birth date (from 1900 to yesterday)")
            % {"value": rows.shown(value)}
        )
    return date


def _postcode(value: Cell) -> str:
    text = rows.text(value)
    if not (len(text) == 4 and text.isascii() and text.isdigit() and text[0] != "0"):
        raise RowError(
            _("'%(value)s' is not a Belgian postcode (four digits, 1000 to 9999)")
            % {"value": rows.shown(value)}
        )
    return text


PARSERS = {
    "ref": rows.limited(64),
    "kind": rows.choice(KIND_MODELS, gettext_lazy("'%(value)s' is not a kind")),
    "first_name": rows.limited(100),
    "last_name": rows.limited(100),
    "email": rows.email,
    "phone": rows.limited(32),
    "birth_date": _birth_date,
    "gender": rows.choice(Gender.values, gettext_lazy("'%(value)s' is not a gender")),
    "postcode": _postcode,
    "municipality": rows.limited(100),
    "languages": rows.items(_language),
    "sectors": rows.items(
        rows.choice(SECTOR_CODES, gettext_lazy("'%(value)s' is not a sector code"))
    ),
    "education_level": rows.choice(
        EducationLevel.values,
        gettext_lazy("'%(value)s' is not an education level"),
        aliases=EDUCATION_ALIASES,
    ),
    "employment_status": rows.choice(
        EmploymentStatus.values, gettext_lazy("'%(value)s' is not an employment status")
    ),
    "jobseeker_ref": rows.limited(64),
    "profession": rows.limited(120),
    "capacity": rows.whole_number(1, 10),
}
ONLY_FOR = {
    "mentee": gettext_lazy("'%(value)s' is for mentees only: leave it empty on a mentor row"),
    "mentor": gettext_lazy("'%(value)s' is for mentors only: leave it empty on a mentee row"),
}
OWNER = {column: kind for kind, columns in KIND_COLUMNS.items() for column in columns}


# --- rows --------------------------------------------------------------------


def _parse(row: Row) -> dict[str, Any]:
    """The row's values by column, blank cells left out."""
    try:
        kind = PARSERS["kind"](row.record.get("kind", ""))
    except RowError:
        kind = None  # reported with the kind column
    values: dict[str, Any] = {}
    for column in COLUMNS:
        owner = OWNER.get(column)
        if owner and kind and kind != owner and not row.blank(column):
            row.fail(column, ONLY_FOR[owner] % {"value": rows.shown(row.record[column])})
            continue
        value = row.get(column, PARSERS[column], required=column in REQUIRED_COLUMNS)
        if value not in (None, []):  # a cell holding only ";" is blank too
            values[column] = value
    return values


def _parse_rows(table: Table, preview: Preview) -> list[tuple[int, dict]]:
    """Valid rows; a ref may appear once per kind in the file."""
    parsed = []
    seen = rows.first_lines()
    for line, record in table.records():
        row = Row(line, record)
        values = _parse(row)
        kind, ref = values.get("kind"), values.get("ref")
        if kind and ref and (first := seen((kind, ref), line)):
            row.fail(
                "ref",
                _("'%(ref)s' is already the reference of the %(kind)s on line %(first)s")
                % {"ref": ref, "kind": kind, "first": first},
            )
        preview.add_errors(row.errors)
        if not row.errors:
            parsed.append((line, values))
    return parsed


# --- plan --------------------------------------------------------------------


def _key(kind: str, ref: str) -> str:
    return f"{kind}|{ref}"


def _existing(*, programme: Programme) -> dict[str, Mentee | Mentor]:
    """The programme's participants with a reference, by key."""
    found: dict[str, Mentee | Mentor] = {}
    for kind, model in KIND_MODELS.items():
        people = model.objects.filter(programme=programme).exclude(ref="")
        if kind == "mentor":
            people = people.select_related("user")
        found.update({_key(kind, person.ref): person for person in people})
    return found


def _differs(current: Any, new: Any) -> bool:
    if isinstance(current, list) and isinstance(new, list):
        return set(current) != set(new)  # the same languages in another order: no change
    return current != new


def _row_plan(
    line: int, values: dict, person: Mentee | Mentor | None, before: dict
) -> tuple[RowPlan, list[str]]:
    kind, ref = values["kind"], values["ref"]
    fields = {column: value for column, value in values.items() if column != "kind"}
    name = f"{values.get('first_name', '')} {values.get('last_name', '')}".strip()
    plan = RowPlan(
        line=line,
        key=_key(kind, ref),
        actions={kind: CREATE},
        said={column: rows.said(value) for column, value in values.items()},
        shown=(KIND_LABELS[kind], ref, name),
        target=person,
    )
    if person is None:
        plan.values = fields
        return plan, []
    warnings = []
    for column, value in fields.items():
        if not rows.is_news(column, value, before):
            continue  # the last import said the same: whatever was recorded since stays
        current = getattr(person, FIELD_FOR.get(column, column))
        if column == "employment_status" and current:
            if current != value:  # the situation at entry is never overwritten
                warnings.append(_situation_kept(line, current))
        elif _differs(current, value):
            plan.changes[column] = (current, value)
            plan.values[column] = value
    if "email" in plan.changes and getattr(person, "user", None) is not None:
        warnings.append(_login_unchanged(line, person))
    plan.actions = {kind: UPDATE if plan.changes else UNCHANGED}
    return plan, warnings


def _situation_kept(line: int, current: str) -> str:
    problem = _(
        "the situation at entry is already recorded (%(current)s) and is never overwritten; "
        "this value is ignored"
    ) % {"current": current}
    return str(RowError(problem, line=line, column="employment_status"))


def _login_unchanged(line: int, mentor: Mentor) -> str:
    problem = _("this mentor signs in as %(login)s; the import does not change their login") % {
        "login": mentor.user.email
    }
    return str(RowError(problem, line=line, column="email"))


def plan(*, programme: Programme, table: Table, preview: Preview) -> None:
    parsed = _parse_rows(table, preview)
    existing = _existing(programme=programme)
    keys = [_key(values["kind"], values["ref"]) for _line, values in parsed]
    before = rows.remembered(programme=programme, kind=ImportKind.PARTICIPANTS, keys=keys)
    for line, values in parsed:
        key = _key(values["kind"], values["ref"])
        row, warnings = _row_plan(line, values, existing.get(key), before.get(key, {}))
        preview.rows.append(row)
        preview.warnings += warnings


# --- write -------------------------------------------------------------------


def write(actor, row: RowPlan, *, programme: Programme) -> None:
    """Through the participant services (audited, locked)."""
    fields = {FIELD_FOR.get(column, column): value for column, value in row.values.items()}
    if row.target is None:
        model = KIND_MODELS[next(iter(row.actions))]
        participant_create(actor, programme=programme, model=model, fields=fields)
    else:
        participant_update(actor, person=row.target, fields=fields)


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


IMPORTER = Importer(
    kind=ImportKind.PARTICIPANTS,
    columns=COLUMNS,
    required=REQUIRED_COLUMNS,
    groups=GROUPS,
    plan=plan,
    write=write,
    template=template_table,
)


# --- the format, as the upload page describes it --------------------------------

_EVERYONE, _REQUIRED = gettext_lazy("everyone"), gettext_lazy("everyone (required)")
_MENTEES, _MENTORS = gettext_lazy("mentees"), gettext_lazy("mentors")
_TEXT = gettext_lazy("Text.")
COLUMN_HELP = [
    ColumnHelp(
        ("ref",),
        gettext_lazy("The programme's own reference, at most 64 characters."),
        (),
        _REQUIRED,
    ),
    ColumnHelp(("kind",), "", tuple(KIND_MODELS), _REQUIRED),
    ColumnHelp(("first_name",), _TEXT, (), _REQUIRED),
    ColumnHelp(("last_name", "phone", "municipality"), _TEXT, (), _EVERYONE),
    ColumnHelp(("email",), gettext_lazy("An e-mail address."), (), _EVERYONE),
    ColumnHelp(
        ("birth_date",),
        gettext_lazy("A date cell, or text as YYYY-MM-DD (e.g. 2001-05-17)."),
        (),
        _EVERYONE,
    ),
    ColumnHelp(("gender",), "", tuple(Gender.values), _EVERYONE),
    ColumnHelp(
        ("postcode",),
        gettext_lazy("A Belgian postcode: four digits, 1000 to 9999."),
        (),
        _EVERYONE,
    ),
    ColumnHelp(
        ("languages",),
        gettext_lazy("Two-letter ISO 639-1 codes separated by ; (e.g. fr; nl; ar)."),
        (),
        _EVERYONE,
    ),
    ColumnHelp(("sectors",), gettext_lazy("Codes separated by ;"), SECTOR_CODES, _EVERYONE),
    ColumnHelp(("education_level",), "", (*EducationLevel.values, "0-2", "3-4", "5-8"), _EVERYONE),
    ColumnHelp(
        ("employment_status",),
        gettext_lazy("the situation at entry: recorded once, never overwritten."),
        tuple(EmploymentStatus.values),
        _MENTEES,
    ),
    ColumnHelp(
        ("jobseeker_ref",), gettext_lazy("The employment service's reference."), (), _MENTEES
    ),
    ColumnHelp(("profession",), _TEXT, (), _MENTORS),
    ColumnHelp(
        ("capacity",),
        gettext_lazy("How many duos at once: a whole number from 1 to 10."),
        (),
        _MENTORS,
    ),
]
