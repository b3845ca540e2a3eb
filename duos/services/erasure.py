"""GDPR erasure (issue 14): a participant's identity, contacts, special-category
data and every free-text note about them removed, everywhere the database
keeps a copy — the record itself, their screenings, duos, meetings, outcomes,
feedback, concerns and check-ins, the change history (django-auditlog), the
export records of the access trail, the import bookkeeping and the stored
upload files.

What the figures need stays, pseudonymous: the situation at entry (age band,
gender, education level, employment status), the duos with their dates and
end reasons, the meetings (dates and minutes) and the outcomes. The name
becomes a neutral placeholder ("Erased 1A2B"). Nothing that
``reporting.rates.programme_rows`` counts changes, so ``programme_rates`` and
every stored ``RateSnapshot`` stay as they were; erasure schedules no
recompute.

Same conventions as ``services``: actor first, keyword-only, one transaction,
audited (the erasure itself leaves one history entry on the person, without
the erased values).
"""

from __future__ import annotations

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, Q

from duos.models import (
    CheckIn,
    Concern,
    DataImport,
    Duo,
    DuoFeedback,
    FollowUpRequest,
    ImportedRow,
    Meeting,
    Mentee,
    Mentor,
    Outcome,
    PairingExclusion,
    PersonAccess,
    Screening,
    TrainingAttendance,
)
from programmes.models import AccessRecord

# What stands in a required text field whose content was erased.
ERASED = "[erased]"
# Values shorter than this are not searched for in other rows (too many false hits).
MIN_NEEDLE = 4
# Texts shorter than this ("ok", "Going well") are not searched for in other people's rows.
MIN_TEXT = 12

# The participant's fields emptied by erasure, with their empty value.
PERSON_BLANKS = {
    "last_name": "",
    "email": "",
    "phone": "",
    "birth_date": None,
    "postcode": "",
    "municipality": "",
    "motivation": "",
    "withdrawal_reason": "",
    "special_consent_at": None,
}
MENTEE_BLANKS = {"migration_background": None, "disability": None, "jobseeker_ref": ""}
MENTOR_BLANKS = {"profession": "", "availability": ""}
# Fields whose values are removed from the change history of the erased objects.
HISTORY_FIELDS = {
    "first_name",
    *PERSON_BLANKS,
    *MENTEE_BLANKS,
    *MENTOR_BLANKS,
    "note",
    "notes",
    "comment",
    "text",
    "resolution",
    "reason",
    "decline_reason",
    "start_override_reason",
    "override_reason",
    "checks",
    "summary",
}


def placeholder(person: Mentee | Mentor) -> str:
    """The neutral name an erased participant keeps: "Erased 1A2B"."""
    return f"Erased {person.uuid.hex[:4].upper()}"


def is_erased(person: Mentee | Mentor) -> bool:
    return person.first_name == placeholder(person) and not person.email


def participant_erase(actor, *, person: Mentee | Mentor) -> Mentee | Mentor:
    """Erase a participant (GDPR art. 17), keeping what the figures need."""
    model = type(person)
    with transaction.atomic(), set_actor(actor):
        person = model.objects.select_for_update().get(pk=person.pk)
        strong, all_values = _needles(person)
        refs = [r for r in (person.ref, getattr(person, "jobseeker_ref", "")) if r]
        objects = _related_objects(person)
        exports = _exports_of(person)
        _erase_person(person)
        _erase_related(person)
        _detach_account(person)
        _erase_imports(person.programme_id, refs, strong)
        _erase_history(objects, strong, all_values)
        _scrub_json_rows(AccessRecord.objects.all(), "filters", strong)
        _scrub_json_rows(AccessRecord.objects.filter(pk__in=exports), "filters", all_values)
        return person


def _exports_of(person: Mentee | Mentor) -> list[int]:
    """The exports the trail says they were in (a search for their name, say)."""
    rows = PersonAccess.objects.filter(**{_side(person): person}, export__isnull=False)
    return list(rows.values_list("export_id", flat=True))


# --- what to look for ----------------------------------------------------------------


def _needles(person: Mentee | Mentor) -> tuple[list[str], list[str]]:
    """The erased values as they may have been copied elsewhere: ``strong``
    ones (the full name, the contacts, the texts) are looked for everywhere;
    the name's parts only where the rows are known to be about the person (a
    "Peeters" elsewhere is somebody else)."""
    full = f"{person.first_name} {person.last_name}".strip()
    strong = [person.email, person.phone, getattr(person, "jobseeker_ref", "")]
    strong += [full] if " " in full else []
    texts = [person.motivation, person.withdrawal_reason]
    for model, field in _TEXTS:
        texts += _texts_of(person, model, field)
    strong += [t for t in texts if len(t.strip()) >= MIN_TEXT]
    parts = [full, person.first_name, person.last_name]
    return _distinct(strong), _distinct(strong + parts)


def _distinct(values: list[str]) -> list[str]:
    found = {v.strip() for v in values if v and len(v.strip()) >= MIN_NEEDLE}
    return sorted(found, key=len, reverse=True)


_TEXTS = [
    (Screening, "notes"),
    (Screening, "override_reason"),
    (Meeting, "note"),
    (Outcome, "note"),
    (DuoFeedback, "comment"),
    (Concern, "text"),
    (Concern, "resolution"),
    (CheckIn, "note"),
    (PairingExclusion, "reason"),
]


def _texts_of(person, model: type[Model], field: str) -> list[str]:
    return list(model.objects.filter(_of(person, model)).values_list(field, flat=True))


def _side(person: Mentee | Mentor) -> str:
    return "mentee" if isinstance(person, Mentee) else "mentor"


def _of(person: Mentee | Mentor, model: type[Model]) -> Q:
    """The rows of ``model`` about ``person``."""
    side = _side(person)
    if model in (Screening, PairingExclusion, TrainingAttendance):
        return Q(**{side: person})
    if model is Duo:
        return Q(**{side: person})
    return Q(**{f"duo__{side}": person})


_RELATED = [
    Screening,
    PairingExclusion,
    TrainingAttendance,
    Duo,
    Meeting,
    Outcome,
    DuoFeedback,
    Concern,
    CheckIn,
    FollowUpRequest,
]


def _related_objects(person: Mentee | Mentor) -> list[tuple[type[Model], list[str]]]:
    """Every (model, primary keys) whose change history is about ``person``."""
    objects = [(type(person), [str(person.pk)])]
    for model in _RELATED:
        if model is TrainingAttendance and isinstance(person, Mentee):
            continue
        pks = model.objects.filter(_of(person, model)).values_list("pk", flat=True)
        objects.append((model, [str(pk) for pk in pks]))
    return objects


# --- the records ----------------------------------------------------------------------


def _erase_person(person: Mentee | Mentor) -> None:
    blanks = dict(PERSON_BLANKS)
    blanks |= MENTEE_BLANKS if isinstance(person, Mentee) else MENTOR_BLANKS
    blanks["first_name"] = placeholder(person)
    for name, value in blanks.items():
        setattr(person, name, value)
    person.save(update_fields=[*blanks, "updated_at"])


def _erase_related(person: Mentee | Mentor) -> None:
    """Free text about them, in bulk (``update``: no history entry repeats it)."""
    Screening.objects.filter(_of(person, Screening)).update(notes="", checks=[])
    Screening.objects.filter(_of(person, Screening)).exclude(override_reason="").update(
        override_reason=ERASED
    )
    PairingExclusion.objects.filter(_of(person, PairingExclusion)).update(reason=ERASED)
    duos = Duo.objects.filter(_of(person, Duo))
    duos.exclude(decline_reason="").update(decline_reason=ERASED)
    duos.exclude(start_override_reason="").update(start_override_reason=ERASED)
    Meeting.objects.filter(duo__in=duos).update(note="")
    Outcome.objects.filter(duo__in=duos).update(note="")
    DuoFeedback.objects.filter(duo__in=duos).update(comment="")
    Concern.objects.filter(duo__in=duos).update(text=ERASED, resolution="")
    CheckIn.objects.filter(duo__in=duos).update(note="")
    if isinstance(person, Mentee):
        FollowUpRequest.objects.filter(duo__in=duos).update(email="")


def _detach_account(person: Mentee | Mentor) -> None:
    """An erased mentor's sign-in account: detached, and emptied when it was
    theirs alone (no membership of an organisation)."""
    if not isinstance(person, Mentor) or person.user_id is None:
        return
    user = get_user_model().objects.get(pk=person.user_id)
    Mentor.objects.filter(pk=person.pk).update(user=None)
    if user.memberships.exists():
        return
    user.username = f"erased-{person.uuid.hex[:12]}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.filter(user=user).delete()


# --- the change history and other copies ----------------------------------------------


def _erase_history(
    objects: list[tuple[type[Model], list[str]]], needles: list[str], all_values: list[str]
) -> None:
    """django-auditlog's entries of the erased objects lose the erased values
    and show the pseudonymous name; any other entry (and the admin's log)
    naming them loses the name."""
    for model, pks in objects:
        if not pks:
            continue
        content_type = ContentType.objects.get_for_model(model)
        entries = LogEntry.objects.filter(content_type=content_type, object_pk__in=pks)
        reprs = {str(obj.pk): str(obj)[:200] for obj in model.objects.filter(pk__in=pks)}
        for entry in entries.iterator():
            entry.object_repr = reprs.get(entry.object_pk, ERASED)
            entry.changes = _without_fields(entry.changes)
            entry.changes_text = ""
            entry.serialized_data = None
            entry.additional_data = _scrub(entry.additional_data, all_values)
            entry.save(
                update_fields=[
                    "object_repr",
                    "changes",
                    "changes_text",
                    "serialized_data",
                    "additional_data",
                ]
            )
    _sweep_history(needles)


def _without_fields(changes):
    if not isinstance(changes, dict):
        return changes
    return {
        field: ([ERASED, ERASED] if field in HISTORY_FIELDS else value)
        for field, value in changes.items()
    }


def _matching(field: str, needles: Iterable[str]) -> Q:
    query = Q(pk__in=[])
    for needle in needles:
        query |= Q(**{f"{field}__icontains": needle})
    return query


def _sweep_history(needles: list[str]) -> None:
    """Any other history entry that still names them (a merged duplicate, an
    entry by the erased mentor's account)."""
    if not needles:
        return
    LogEntry.objects.filter(_matching("actor_email", needles)).update(actor_email="")
    query = (
        _matching("object_repr", needles)
        | _matching("changes_text", needles)
        | _matching("changes", needles)
    )
    for entry in LogEntry.objects.filter(query).iterator():
        entry.object_repr = _scrub(entry.object_repr, needles)
        entry.changes = _scrub(entry.changes, needles)
        entry.changes_text = _scrub(entry.changes_text, needles)
        entry.save(update_fields=["object_repr", "changes", "changes_text"])
    for entry in AdminLogEntry.objects.filter(
        _matching("object_repr", needles) | _matching("change_message", needles)
    ):
        entry.object_repr = _scrub(entry.object_repr, needles)
        entry.change_message = _scrub(entry.change_message, needles)
        entry.save(update_fields=["object_repr", "change_message"])


def _scrub(value, needles: list[str]):
    """``value`` (text or JSON) with every string that holds an erased value
    replaced by ``ERASED``."""
    if isinstance(value, str):
        lowered = value.lower()
        return ERASED if any(n.lower() in lowered for n in needles) else value
    if isinstance(value, list):
        return [_scrub(item, needles) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, needles) for key, item in value.items()}
    return value


def _scrub_json_rows(queryset, field: str, needles: list[str]) -> None:
    if not needles:
        return
    for row in queryset.filter(_matching(field, needles)).iterator():
        setattr(row, field, _scrub(getattr(row, field), needles))
        row.save(update_fields=[field])


def _erase_imports(programme_id: int, refs: list[str], needles: list[str]) -> None:
    """The uploads of their programme: the stored files' content is deleted
    (it cannot be searched inside a workbook); the import's bookkeeping and
    summaries lose the rows naming them."""
    uploads = DataImport.objects.filter(programme_id=programme_id)
    uploads.filter(applied_at__isnull=False).update(content=b"")
    # Not yet confirmed: the file may still name them and would bring them back.
    uploads.filter(applied_at__isnull=True).delete()
    _scrub_json_rows(DataImport.objects.filter(programme_id=programme_id), "summary", needles)
    rows = ImportedRow.objects.filter(programme_id=programme_id)
    _scrub_json_rows(rows, "values", needles)
    for key in refs:
        rows.filter(Q(key__startswith=f"{key}|") | Q(key__endswith=f"|{key}")).update(values={})
