"""Meetings: recorded by the mentor (or a coordinator) and edited by their author."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duos.models import (
    Duo,
    Meeting,
)


def _clean_meeting(
    duo: Duo, *, date: dt.date, minutes: int, mode: str, topics: Iterable[str]
) -> list[str]:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if duo.status not in (Duo.Status.ACTIVE, Duo.Status.ENDED):
        errors["__all__"] = _("Meetings are logged only for a duo that has started.")
    elif date > today:
        errors["date"] = _("A meeting cannot be in the future.")
    elif date < duo.started_on:
        errors["date"] = _("The duo started on %(date)s: a meeting cannot be earlier.") % {
            "date": duo.started_on
        }
    elif duo.ended_on and date > duo.ended_on + dt.timedelta(days=Meeting.MAX_DAYS_AFTER_END):
        errors["date"] = _(
            "The duo ended on %(date)s: a meeting can be at most %(days)s days later."
        ) % {
            "date": duo.ended_on,
            "days": Meeting.MAX_DAYS_AFTER_END,
        }
    if not 1 <= minutes <= 720:
        errors["minutes"] = _("A meeting lasts between 1 and 720 minutes.")
    if mode not in Meeting.Mode.values:
        errors["mode"] = _("'%(value)s' is not a meeting mode.") % {"value": mode}
    topics = list(dict.fromkeys(topics))
    unknown = [t for t in topics if t not in Meeting.Topic.values]
    if unknown:
        errors["topics"] = _("Unknown topic: %(value)s.") % {"value": ", ".join(unknown)}
    if errors:
        raise ValidationError(errors)
    return topics


class SameDayMeeting(ValidationError):
    """Another meeting of the duo is logged on that date: probably the same one."""


def meeting_record(
    actor,
    *,
    duo: Duo,
    date: dt.date,
    minutes: int,
    mode: str,
    topics: Iterable[str] = (),
    note: str = "",
    client_token=None,
    same_day_ok: bool = False,
) -> Meeting:
    """Log a meeting: never in the future, not before the start, at most 7 days after the end.

    ``client_token`` is the form's one-time token: submitting the same form twice
    returns the meeting saved the first time instead of logging a second one. A
    second meeting on the same day is saved only once confirmed (``same_day_ok``):
    it is more often the same meeting logged twice than two meetings."""
    with transaction.atomic(), set_actor(actor):
        # Re-read under a lock: the duo may have ended since the caller loaded it.
        duo = Duo.objects.select_for_update(of=("self",)).get(pk=duo.pk)
        if client_token is not None:
            existing = Meeting.objects.filter(client_token=client_token, duo=duo).first()
            if existing is not None:
                return existing
        topics = _clean_meeting(duo, date=date, minutes=minutes, mode=mode, topics=topics)
        if not same_day_ok and Meeting.objects.filter(duo=duo, date=date).exists():
            raise SameDayMeeting(
                _("A meeting on %(date)s is already logged for this duo. Save this one too?")
                % {"date": date.strftime("%d/%m/%Y")},
                code="same_day",
            )
        return Meeting.objects.create(
            duo=duo,
            date=date,
            minutes=minutes,
            mode=mode,
            topics=topics,
            note=note.strip(),
            logged_by=actor,
            client_token=client_token,
        )


def meeting_update(
    actor,
    *,
    meeting: Meeting,
    date: dt.date,
    minutes: int,
    mode: str,
    topics: Iterable[str] = (),
    note: str = "",
) -> Meeting:
    """Its author may correct a meeting for 14 days after logging it."""
    if actor is None or actor.pk is None or meeting.logged_by_id != actor.pk:
        raise ValidationError(_("Only the person who logged this meeting may edit it."))
    if timezone.now() - meeting.created_at > dt.timedelta(days=Meeting.EDITABLE_DAYS):
        raise ValidationError(
            _("A meeting can be edited for %(days)s days after it was logged.")
            % {"days": Meeting.EDITABLE_DAYS}
        )
    topics = _clean_meeting(meeting.duo, date=date, minutes=minutes, mode=mode, topics=topics)
    with transaction.atomic(), set_actor(actor):
        meeting.date, meeting.minutes, meeting.mode = date, minutes, mode
        meeting.topics, meeting.note = topics, note.strip()
        meeting.save()
        return meeting
