"""Mentees and mentors: lists, exports, history, training; who saw and changed them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from duos import access
from duos.models import (
    Duo,
    Meeting,
    Mentee,
    Mentor,
    PairingExclusion,
    PersonAccess,
    Screening,
    TrainingAttendance,
)
from duos.selectors.duos import with_last_contact
from programmes.models import Programme


def mentee_list_for(user) -> QuerySet[Mentee]:
    return (
        access.mentees_for(user)
        .select_related("programme")
        .order_by("status", "last_name", "first_name", "pk")
    )


def mentor_list_for(user) -> QuerySet[Mentor]:
    # A correlated subquery on duo_mentor_status_idx, not a join grouped by
    # mentor: on the paginated list PostgreSQL counts only the page's mentors
    # (the join counted the duos of every mentor in scope, and the page's
    # count grouped them all again).
    active = (
        Duo.objects.filter(mentor=OuterRef("pk"), status=Duo.Status.ACTIVE)
        .order_by()
        .values("mentor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        access.mentors_for(user)
        .select_related("programme", "user")
        .annotate(active_duos=Coalesce(Subquery(active, output_field=IntegerField()), 0))
        .order_by("status", "last_name", "first_name", "pk")
    )


PARTICIPANT_COLUMNS = [
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
]
KIND_COLUMNS = {
    "mentee": ["employment_status_at_entry", "jobseeker_ref", "waiting_since"],
    "mentor": ["profession", "capacity", "training_completed_on"],
}


def participant_table(people: QuerySet, *, kind: str) -> dict:
    """Header and rows of an export (no special-category data, no notes)."""
    columns = PARTICIPANT_COLUMNS + KIND_COLUMNS[kind]
    rows = (
        [person.programme.slug, *(getattr(person, c) for c in columns)]
        for person in people.iterator(chunk_size=500)
    )
    return {"header": ["programme", *columns], "rows": rows}


def person_history(person: Mentee | Mentor) -> dict:
    """A person's screenings, duos (with their outcomes) and recent meetings."""
    duos = with_last_contact(person.duos.select_related("mentee", "mentor", "programme", "coach"))
    meetings = (
        Meeting.objects.filter(duo__in=person.duos.values("pk"))
        .select_related("duo__mentee", "duo__mentor")
        .order_by("-date")[:20]
    )
    return {
        "duos": duos.prefetch_related("outcomes").order_by("-created_at"),
        "meetings": meetings,
        "screenings": person.screenings.select_related("interviewer"),
    }


def training_sessions_of(programme: Programme) -> QuerySet:
    attended = Count("attendance", filter=Q(attendance__attended=True))
    return programme.training_sessions.annotate(attendees_count=attended)


# --- who saw whom, who changed what (only for ``access.sees_trail``) ---------------

TRAIL_LENGTH = 50


def person_trail(person: Mentee | Mentor, *, limit: int = TRAIL_LENGTH) -> list[PersonAccess]:
    """The latest views and downloads of a person's record: who, when, what, where from."""
    return list(
        person.access_trail.select_related("user", "export", "duo").order_by("-at", "-pk")[:limit]
    )


@dataclass
class Change:
    at: dt.datetime
    actor: object  # the user, or None for a background job
    action: str
    subject: str  # what kind of row: the person, a screening, …
    fields: list[str]  # the changed fields' names (never their values)


def person_changes(person: Mentee | Mentor, *, limit: int = TRAIL_LENGTH) -> list[Change]:
    """The change history (django-auditlog) of a person's rows: their record,
    intake interviews, declared exclusions and training attendance. One query
    (and one for the content types, cached after)."""
    kinds = ContentType.objects.get_for_models(
        type(person), Screening, PairingExclusion, TrainingAttendance
    )
    rows = Q(content_type=kinds[type(person)], object_id=person.pk)
    rows |= Q(content_type=kinds[Screening], object_id__in=person.screenings.values("pk"))
    rows |= Q(content_type=kinds[PairingExclusion], object_id__in=person.exclusions.values("pk"))
    if isinstance(person, Mentor):
        rows |= Q(
            content_type=kinds[TrainingAttendance], object_id__in=person.attendance.values("pk")
        )
    entries = (
        LogEntry.objects.filter(rows)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")[:limit]
    )
    changes = []
    for entry in entries:
        model = entry.content_type.model_class()
        fields = []
        if entry.action == LogEntry.Action.UPDATE and model is not None:
            for name in entry.changes_dict:
                try:
                    fields.append(str(model._meta.get_field(name).verbose_name))
                except FieldDoesNotExist:
                    fields.append(name)
        changes.append(
            Change(
                at=entry.timestamp,
                actor=entry.actor,
                action=entry.get_action_display(),
                subject=str(model._meta.verbose_name) if model is not None else "",
                fields=fields,
            )
        )
    return changes
