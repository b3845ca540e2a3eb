"""Participants written from a spreadsheet: the participant import, and the
pseudonymous people a historical import creates for references it does not
know. Same conventions as ``services``: actor first, keyword-only, one
transaction, audited."""

from __future__ import annotations

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from duos.models import Duo, Mentee, Mentor, Origin, PipelineStatus
from programmes.models import Programme

SITUATION_AT_ENTRY = "employment_status_at_entry"


def participant_create(
    actor, *, programme: Programme, model: type[Mentee] | type[Mentor], fields: dict
) -> Mentee | Mentor:
    """A new participant from an import: origin "import", status "applied" and
    no consent on record (it is asked for at the intake interview)."""
    with transaction.atomic(), set_actor(actor):
        return model.objects.create(
            programme=programme, origin=Origin.IMPORT, status=PipelineStatus.APPLIED, **fields
        )


def participant_update(actor, *, person: Mentee | Mentor, fields: dict) -> Mentee | Mentor:
    """Change these fields of a participant (audited). A mentee's situation at
    entry is written only while empty, never overwritten; a mentor's capacity
    never drops below the duos they run now."""
    with transaction.atomic(), set_actor(actor):
        person = type(person).objects.select_for_update().get(pk=person.pk)
        fields = dict(fields)
        if getattr(person, SITUATION_AT_ENTRY, "") and SITUATION_AT_ENTRY in fields:
            del fields[SITUATION_AT_ENTRY]
        if isinstance(person, Mentor) and "capacity" in fields:
            active = Duo.objects.filter(mentor=person, status=Duo.Status.ACTIVE).count()
            if fields["capacity"] < active:
                raise ValidationError(
                    {
                        "capacity": _(
                            "%(mentor)s runs %(count)s duos now: their capacity cannot be lower."
                        )
                        % {"mentor": person, "count": active}
                    }
                )
        for name, value in fields.items():
            setattr(person, name, value)
        if fields:
            person.save(update_fields=[*fields, "updated_at"])
        return person
