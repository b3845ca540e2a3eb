"""Subject access (GDPR art. 15, issue 14 item 2): everything Duo keeps about
one person, as sections of records — their profile, screenings, duos,
meetings, outcomes, feedback, the concerns and check-ins about their duos,
declared exclusions, follow-up requests, and the trail of who saw their
record.

The same sections give the JSON download (field names as keys) and the
readable page (field labels). Of the people on the other side of a duo only
the first name is given: it is the subject's data that is handed out, not
their mentor's or mentee's.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from dataclasses import dataclass, field

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duos.models import (
    CheckIn,
    Concern,
    Duo,
    DuoFeedback,
    FollowUpRequest,
    Meeting,
    Mentee,
    Mentor,
    Outcome,
    PairingExclusion,
    PersonAccess,
    Screening,
)

FORMAT_VERSION = 1

COMMON_FIELDS = [
    "uuid",
    "ref",
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
    "status",
    "status_changed_at",
    "withdrawal_reason",
    "consent_given_at",
    "consent_version",
    "special_consent_at",
    "origin",
    "contact_language",
    "motivation",
    "available_slots",
    "created_at",
    "updated_at",
]
MENTEE_FIELDS = [
    "employment_status_at_entry",
    "age_band_at_entry",
    "jobseeker_ref",
    "referral_source",
    "migration_background",
    "disability",
    "priority",
    "waiting_since",
]
MENTOR_FIELDS = ["profession", "experience_years", "capacity", "training_completed_on"]
MENTOR_FIELDS += ["availability"]


@dataclass
class Item:
    name: str
    label: str
    value: object

    @property
    def shown(self) -> str:
        """The value as the page shows it."""
        if self.value is None or self.value == "" or self.value == []:
            return "—"
        if isinstance(self.value, bool):
            return _("yes") if self.value else _("no")
        if isinstance(self.value, list):
            return ", ".join(str(v) for v in self.value)
        return str(self.value)


@dataclass
class Section:
    key: str
    title: str
    records: list[list[Item]] = field(default_factory=list)


def _json_value(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, Model):
        return str(value)
    return value


def _record(obj: Model, names: list[str]) -> list[Item]:
    """The named fields of ``obj``: choice fields in words, the rest as JSON values."""
    items = []
    for name in names:
        model_field = obj._meta.get_field(name)
        value = getattr(obj, name)
        if getattr(model_field, "choices", None) and value not in (None, ""):
            value = str(getattr(obj, f"get_{name}_display")())
        items.append(Item(name, str(model_field.verbose_name), _json_value(value)))
    return items


def _extra(items: list[Item], name: str, label: str, value) -> list[Item]:
    return [*items, Item(name, label, _json_value(value))]


def _side(person: Mentee | Mentor) -> str:
    return "mentee" if isinstance(person, Mentee) else "mentor"


def subject_access_sections(person: Mentee | Mentor) -> list[Section]:
    """Everything kept about ``person``, section by section."""
    duos = list(
        Duo.objects.filter(**{_side(person): person})
        .select_related("mentee", "mentor")
        .order_by("proposed_on", "created_at")
    )
    return [
        Section("profile", _("Profile"), [_profile(person)]),
        _screenings(person),
        _exclusions(person),
        _duos(person, duos),
        *_about_duos(duos),
        _trail(person),
    ]


def _profile(person: Mentee | Mentor) -> list[Item]:
    extra = MENTEE_FIELDS if isinstance(person, Mentee) else MENTOR_FIELDS
    items = _record(person, COMMON_FIELDS + extra)
    items = _extra(items, "programme", _("programme"), person.programme.name)
    if isinstance(person, Mentor):
        email = person.user.email if person.user_id else ""
        items = _extra(items, "account", _("user account"), email)
    return items


def _screenings(person: Mentee | Mentor) -> Section:
    rows = Screening.objects.filter(**{_side(person): person}).select_related("interviewer")
    names = ["uuid", "interviewed_on", "notes", "eligible", "checks", "override_reason"]
    records = [
        _extra(_record(s, names), "interviewer", _("interviewer"), _user(s.interviewer))
        for s in rows
    ]
    return Section("screenings", _("Intake interviews"), records)


def _exclusions(person: Mentee | Mentor) -> Section:
    rows = PairingExclusion.objects.filter(**{_side(person): person}).select_related(
        "mentee", "mentor"
    )
    other = "mentor" if isinstance(person, Mentee) else "mentee"
    records = [
        _extra(
            _record(x, ["uuid", "reason", "created_at"]),
            other,
            _("not with"),
            getattr(x, other).first_name,
        )
        for x in rows
    ]
    return Section("exclusions", _("Declared exclusions"), records)


DUO_FIELDS = [
    "uuid",
    "status",
    "proposed_on",
    "started_on",
    "planned_end_on",
    "ended_on",
    "end_reason",
    "decline_reason",
    "match_score",
    "introduction_on",
    "mentee_agreed_at",
    "mentor_agreed_at",
    "start_override_reason",
]


def _duos(person: Mentee | Mentor, duos: list[Duo]) -> Section:
    other = "mentor" if isinstance(person, Mentee) else "mentee"
    records = []
    for duo in duos:
        items = _record(duo, DUO_FIELDS)
        other_label = _("mentor") if other == "mentor" else _("mentee")
        items = _extra(items, other, other_label, getattr(duo, other).first_name)
        records.append(_extra(items, "coach", _("mentor-coach"), _user(duo.coach)))
    return Section("duos", _("Duos"), records)


# (key, title, model, fields) of what hangs off a duo.
ABOUT_DUOS = [
    (
        "meetings",
        gettext_lazy("Meetings"),
        Meeting,
        ["uuid", "date", "minutes", "mode", "topics", "note"],
    ),
    (
        "outcomes",
        gettext_lazy("Outcomes"),
        Outcome,
        ["uuid", "point", "date", "status", "contract_type", "source", "note"],
    ),
    (
        "feedback",
        gettext_lazy("Feedback"),
        DuoFeedback,
        ["respondent", "satisfaction", "would_recommend", "comment", "created_at"],
    ),
    (
        "concerns",
        gettext_lazy("Concerns"),
        Concern,
        ["uuid", "created_at", "urgent", "text", "handled_at", "resolution"],
    ),
    ("check_ins", gettext_lazy("Check-ins"), CheckIn, ["uuid", "on", "kind", "note", "risk"]),
    (
        "follow_up_requests",
        gettext_lazy("Follow-up requests"),
        FollowUpRequest,
        ["uuid", "created_at", "email", "expires_at", "answered_at", "answer"],
    ),
]


def _about_duos(duos: list[Duo]) -> list[Section]:
    sections = []
    for key, title, model, names in ABOUT_DUOS:
        rows = model.objects.filter(duo__in=duos).select_related("duo").order_by("pk")
        records = [_extra(_record(row, names), "duo", _("duo"), str(row.duo.uuid)) for row in rows]
        sections.append(Section(key, str(title), records))
    return sections


def _trail(person: Mentee | Mentor) -> Section:
    rows = PersonAccess.objects.filter(**{_side(person): person}).select_related("user", "export")
    records = []
    for row in rows:
        items = _record(row, ["at", "what"])
        items = _extra(items, "who", _("who"), _user(row.user))
        records.append(items)
    return Section("access_trail", _("Who saw this record"), records)


def _user(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def subject_access_json(person: Mentee | Mentor, *, now=None) -> dict:
    """The JSON download: one object per record, field names as keys."""
    sections = subject_access_sections(person)
    data = {
        "format_version": FORMAT_VERSION,
        "generated_at": _json_value(now or timezone.now()),
        "kind": _side(person),
    }
    for section in sections:
        records = [{item.name: item.value for item in record} for record in section.records]
        data[section.key] = records[0] if section.key == "profile" else records
    return data
