"""Duos from a programme's records before Duo (the historical import, DESIGN.md
"Public formats"): recorded active or ended as they were, and corrected when
the records change. Same conventions as ``services``: actor first,
keyword-only, one transaction, audited, figures recomputed after the commit.

Capacity over time: on no day does a mentor run more duos than their capacity.
The mentor's row is locked while their duos are counted, as in
``duo_activate``, so two concurrent writes cannot both take the last slot.
Days are half-open: a duo that ends on the 25th leaves room for one that
starts on the 25th.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duos.models import Duo, EndReason, Mentee, Mentor, Outcome, PipelineStatus
from duos.services.duos import CapacityError, _set_status
from duos.services.figures import figures_changed
from duos.services.outcomes import follow_up_date
from programmes.services.rules import rules_current, rules_for

Span = tuple[dt.date, dt.date | None]  # started_on, ended_on (None: still running)
RUNNING = (Duo.Status.ACTIVE, Duo.Status.ENDED)


def _bounds(span: Span) -> tuple[dt.date, dt.date]:
    start, end = span
    if end is None:
        return start, dt.date.max
    return start, max(end, start + dt.timedelta(days=1))


def peak_beside(span: Span, others: Iterable[Span]) -> int:
    """The most duos running on one day of ``span``, that duo included."""
    start, end = _bounds(span)
    events = []
    for other in others:
        other_start, other_end = _bounds(other)
        if other_start < end and start < other_end:  # they share a day
            events += [(max(other_start, start), 1), (min(other_end, end), -1)]
    running = most = 0
    for _day, step in sorted(events):  # on one day, an end (-1) before a start
        running += step
        most = max(most, running)
    return most + 1


def capacity_problem(*, mentor: Mentor, capacity: int, span: Span, others: Iterable[Span]) -> str:
    """The message when ``span`` would take ``mentor`` beyond ``capacity``; "" otherwise."""
    most = peak_beside(span, others)
    if most <= capacity:
        return ""
    return _(
        "%(mentor)s would run %(count)s duos at once from %(date)s, beyond their capacity "
        "of %(capacity)s (raise it first, e.g. with the participant import)"
    ) % {"mentor": mentor, "count": most, "date": span[0].isoformat(), "capacity": capacity}


def _check_capacity(mentor: Mentor, span: Span, *, exclude: int | None = None) -> None:
    """Call with the mentor's row locked."""
    duos = Duo.objects.filter(mentor=mentor, status__in=RUNNING).exclude(pk=exclude)
    problem = capacity_problem(
        mentor=mentor,
        capacity=mentor.capacity,
        span=span,
        others=duos.values_list("started_on", "ended_on"),
    )
    if problem:
        raise CapacityError(problem)


def _check_dates(started_on: dt.date, ended_on: dt.date | None, end_reason: str) -> None:
    today = timezone.localdate()
    if started_on > today or (ended_on and ended_on > today):
        raise ValidationError(_("A duo cannot start or end in the future."))
    if ended_on and ended_on < started_on:
        raise ValidationError({"ended_on": _("A duo cannot end before it started.")})
    if bool(ended_on) != bool(end_reason) or (end_reason and end_reason not in EndReason.values):
        raise ValidationError({"end_reason": _("An ended duo has an end reason, and only it.")})


def _settle(person: Mentee | Mentor) -> None:
    """In a duo while one runs; after the last one, a mentee is done, and so is
    a mentor known only from the records (an available mentor stays available)."""
    if person.duos.filter(status=Duo.Status.ACTIVE).exists():
        _set_status(person, PipelineStatus.IN_DUO)
    elif person.status == PipelineStatus.APPLIED or (
        person.status == PipelineStatus.IN_DUO and isinstance(person, Mentee)
    ):
        _set_status(person, PipelineStatus.DONE)
    elif person.status == PipelineStatus.IN_DUO:
        _set_status(person, PipelineStatus.READY)


def duo_record_past(
    actor,
    *,
    mentee: Mentee,
    mentor: Mentor,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    end_reason: str = "",
) -> Duo:
    """A duo of the past as it was: active (no end) or ended with its reason."""
    _check_dates(started_on, ended_on, end_reason)
    if mentee.programme_id != mentor.programme_id:
        raise ValidationError(_("The mentee and the mentor belong to different programmes."))
    with transaction.atomic(), set_actor(actor):
        mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
        mentee = Mentee.objects.select_for_update().select_related("programme").get(pk=mentee.pk)
        if Duo.objects.filter(mentee=mentee, started_on=started_on).exists():
            raise ValidationError(_("This mentee already has a duo that started on this date."))
        if ended_on is None and mentee.duos.filter(status=Duo.Status.ACTIVE).exists():
            raise ValidationError(_("%(mentee)s is already in an active duo.") % {"mentee": mentee})
        _check_capacity(mentor, (started_on, ended_on))
        rules = rules_current(mentee.programme, actor=actor)
        weeks = dt.timedelta(
            weeks=rules_for(programme=mentee.programme, version=rules).duo_length_weeks
        )
        duo = Duo.objects.create(
            rules_version=rules,
            programme_id=mentee.programme_id,
            mentee=mentee,
            mentor=mentor,
            status=Duo.Status.ENDED if ended_on else Duo.Status.ACTIVE,
            proposed_on=started_on,
            started_on=started_on,
            planned_end_on=started_on + weeks,
            ended_on=ended_on,
            end_reason=end_reason,
        )
        _settle(mentee)
        _settle(mentor)
        figures_changed(duo.programme_id)
        return duo


def duo_correct_past(
    actor,
    *,
    duo: Duo,
    mentor: Mentor | None = None,
    ended_on: dt.date | None = None,
    end_reason: str = "",
) -> Duo:
    """Correct a recorded duo from the records: another mentor, an end (date and
    reason) or a corrected end. Nothing given is left as it is; an ended duo
    stays ended. Outcomes dated at the old end (or follow-up date) move with it."""
    with transaction.atomic(), set_actor(actor):
        duo = Duo.objects.select_for_update(of=("self",)).select_related("programme").get(pk=duo.pk)
        if duo.status not in RUNNING:
            raise ValidationError(_("Only a duo that started can be corrected from the records."))
        before = duo.mentor_id, duo.ended_on, follow_up_date(duo)
        ended_on, end_reason = ended_on or duo.ended_on, end_reason or duo.end_reason
        _check_dates(duo.started_on, ended_on, end_reason)
        mentor = Mentor.objects.select_for_update().get(pk=(mentor or duo.mentor).pk)
        _check_capacity(mentor, (duo.started_on, ended_on), exclude=duo.pk)
        duo.mentor, duo.ended_on, duo.end_reason = mentor, ended_on, end_reason
        duo.status = Duo.Status.ENDED if ended_on else Duo.Status.ACTIVE
        duo.save(update_fields=["mentor", "ended_on", "end_reason", "status", "updated_at"])
        _move_outcome_dates(duo, old_end=before[1], old_follow_up=before[2])
        _settle(duo.mentee)
        _settle(mentor)
        if before[0] != mentor.pk:
            _settle(Mentor.objects.get(pk=before[0]))
        figures_changed(duo.programme_id)
        return duo


def _move_outcome_dates(duo: Duo, *, old_end: dt.date | None, old_follow_up) -> None:
    moves = {
        Outcome.Point.EXIT: (old_end, duo.ended_on),
        Outcome.Point.FOLLOW_UP: (old_follow_up, follow_up_date(duo)),
    }
    for outcome in duo.outcomes.all():
        old, new = moves[outcome.point]
        if old is not None and outcome.date == old and new != old:
            outcome.date = new
            outcome.save(update_fields=["date", "updated_at"])
