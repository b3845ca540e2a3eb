"""Writes that matter: proposing, activating, declining and ending duos,
recording meetings and outcomes.

Each service takes the acting user first and keyword-only arguments, runs in
one transaction (all or nothing) and leaves an audit entry through
django-auditlog with the actor set. Rule violations raise
``django.core.exceptions.ValidationError`` with messages a user can act on,
keyed by field where one field is at fault.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from auditlog.context import set_actor
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.celery import send_task_on_commit
from programmes.services import account_for, deactivate_if_unused, send_invitation

from .models import Duo, DuoFeedback, EndReason, Meeting, Mentee, Mentor, Outcome, PipelineStatus


class CapacityError(ValidationError):
    """The mentor has no free slot left."""


RECOMPUTE_TASK = "reporting.recompute_programme"


def figures_changed(programme_id: int) -> None:
    """Ask reporting (by task name: no upward import) to recompute the programme's
    figures after the commit; a burst of changes gives one run."""
    send_task_on_commit(
        RECOMPUTE_TASK,
        kwargs={"programme_id": programme_id},
        coalesce=f"figures:{programme_id}",
        countdown=settings.RECOMPUTE_DELAY_SECONDS,
    )


def follow_up_date(duo: Duo) -> dt.date | None:
    """The follow-up point: the duo's end plus the programme's horizon."""
    if duo.ended_on is None:
        return None
    return duo.ended_on + relativedelta(months=duo.programme.follow_up_months)


def _set_status(participant: Mentee | Mentor, status: str) -> None:
    if participant.status != status:
        participant.status = status
        participant.status_changed_at = timezone.now()
        participant.save(update_fields=["status", "status_changed_at", "updated_at"])


def _active_duo_count(mentor: Mentor) -> int:
    return Duo.objects.filter(mentor=mentor, status=Duo.Status.ACTIVE).count()


# --- duos ------------------------------------------------


def duo_propose(
    actor,
    *,
    mentee: Mentee,
    mentor: Mentor,
    coach=None,
    proposed_on: dt.date | None = None,
    match_score=None,
    score_components: list | None = None,
) -> Duo:
    """Propose a pair. A former pair (any earlier duo of the two) is never proposed again."""
    if mentee.programme_id != mentor.programme_id:
        raise ValidationError(_("The mentee and the mentor belong to different programmes."))
    for person in (mentee, mentor):
        if person.status == PipelineStatus.WITHDRAWN:
            raise ValidationError(_("%(name)s has withdrawn.") % {"name": person})
    with transaction.atomic(), set_actor(actor):
        if (
            Duo.objects.filter(mentee=mentee, mentor=mentor)
            .exclude(status=Duo.Status.PROPOSED)
            .exists()
        ):
            raise ValidationError(
                _("These two were already a pair: they are never proposed again.")
            )
        if Duo.objects.filter(mentee=mentee, mentor=mentor, status=Duo.Status.PROPOSED).exists():
            raise ValidationError(_("This pair is already proposed."))
        return Duo.objects.create(
            programme_id=mentee.programme_id,
            mentee=mentee,
            mentor=mentor,
            coach=coach,
            proposed_on=proposed_on or timezone.localdate(),
            match_score=match_score,
            score_components=score_components or [],
        )


def duo_activate(actor, *, duo: Duo, started_on: dt.date | None = None) -> Duo:
    """Both sides agreed: the duo starts.

    The mentor's row is locked while their active duos are counted, so two
    concurrent activations of the last free slot cannot both succeed.
    """
    started_on = started_on or timezone.localdate()
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": _("A duo cannot start in the future.")})
    with transaction.atomic(), set_actor(actor):
        # of=("self",): lock the duo's row only, not its programme's (the join).
        duo = Duo.objects.select_for_update(of=("self",)).select_related("programme").get(pk=duo.pk)
        if duo.status != Duo.Status.PROPOSED:
            raise ValidationError(
                _("Only a proposed duo can start; this one is %(status)s.")
                % {"status": duo.get_status_display().lower()}
            )
        # Lock order everywhere: duo, mentor, mentee.
        mentor = Mentor.objects.select_for_update().get(pk=duo.mentor_id)
        mentee = Mentee.objects.select_for_update().get(pk=duo.mentee_id)
        if PipelineStatus.WITHDRAWN in (mentor.status, mentee.status):
            raise ValidationError(_("One of the two has withdrawn: this duo cannot start."))
        if _active_duo_count(mentor) >= mentor.capacity:
            raise CapacityError(
                _(
                    "%(mentor)s already mentors %(count)s duo(s), their full capacity: "
                    "end a duo or raise their capacity first."
                )
                % {"mentor": mentor, "count": mentor.capacity}
            )
        if Duo.objects.filter(mentee=mentee, status=Duo.Status.ACTIVE).exists():
            raise ValidationError(_("%(mentee)s is already in an active duo.") % {"mentee": mentee})
        if Duo.objects.filter(mentee=mentee, started_on=started_on).exists():
            raise ValidationError(
                {
                    "started_on": _("%(mentee)s already has a duo that started on this date.")
                    % {"mentee": mentee}
                }
            )
        duo.status = Duo.Status.ACTIVE
        duo.started_on = started_on
        duo.planned_end_on = started_on + dt.timedelta(weeks=duo.programme.duo_length_weeks)
        duo.save(update_fields=["status", "started_on", "planned_end_on", "updated_at"])
        _set_status(mentee, PipelineStatus.IN_DUO)
        _set_status(mentor, PipelineStatus.IN_DUO)
        figures_changed(duo.programme_id)  # a new last duo changes a trajectory
        return duo


def duo_decline(actor, *, duo: Duo, reason: str) -> Duo:
    """One side said no after the introduction; the mentee stays in the pool."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the duo was declined.")})
    with transaction.atomic(), set_actor(actor):
        duo = Duo.objects.select_for_update().get(pk=duo.pk)
        if duo.status != Duo.Status.PROPOSED:
            raise ValidationError(_("Only a proposed duo can be declined."))
        duo.status = Duo.Status.DECLINED
        duo.decline_reason = reason[:200]
        duo.save(update_fields=["status", "decline_reason", "updated_at"])
        return duo


def duo_end(actor, *, duo: Duo, ended_on: dt.date, end_reason: str) -> Duo:
    """Close an active duo. The mentee is done; the mentor is free again when no duo is left."""
    if end_reason not in EndReason.values:
        raise ValidationError(
            {"end_reason": _("'%(value)s' is not an end reason.") % {"value": end_reason}}
        )
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("A duo cannot end in the future.")})
    with transaction.atomic(), set_actor(actor):
        duo = Duo.objects.select_for_update().get(pk=duo.pk)
        if duo.status != Duo.Status.ACTIVE:
            raise ValidationError(_("Only an active duo can be ended."))
        if ended_on < duo.started_on:
            raise ValidationError(
                {
                    "ended_on": _("The duo started on %(date)s: it cannot end before.")
                    % {"date": duo.started_on}
                }
            )
        mentor = Mentor.objects.select_for_update().get(pk=duo.mentor_id)
        mentee = Mentee.objects.select_for_update().get(pk=duo.mentee_id)
        duo.status = Duo.Status.ENDED
        duo.ended_on = ended_on
        duo.end_reason = end_reason
        duo.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
        _set_status(mentee, PipelineStatus.DONE)
        if mentor.status == PipelineStatus.IN_DUO and _active_duo_count(mentor) == 0:
            _set_status(mentor, PipelineStatus.READY)
        figures_changed(duo.programme_id)
        return duo


# --- meetings ------------------------------------------------


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
) -> Meeting:
    """Log a meeting: never in the future, not before the start, at most 7 days after the end.

    ``client_token`` is the form's one-time token: submitting the same form twice
    returns the meeting saved the first time instead of logging a second one."""
    with transaction.atomic(), set_actor(actor):
        # Re-read under a lock: the duo may have ended since the caller loaded it.
        duo = Duo.objects.select_for_update(of=("self",)).get(pk=duo.pk)
        if client_token is not None:
            existing = Meeting.objects.filter(client_token=client_token, duo=duo).first()
            if existing is not None:
                return existing
        topics = _clean_meeting(duo, date=date, minutes=minutes, mode=mode, topics=topics)
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


# --- outcomes ------------------------------------------------


def outcome_record(
    actor,
    *,
    duo: Duo,
    point: str,
    status: str,
    source: str,
    date: dt.date | None = None,
    contract_type: str = "",
    note: str = "",
) -> Outcome:
    """Record the duo's outcome at a point; a second call for the same point corrects it."""
    errors: dict[str, str] = {}
    if point not in Outcome.Point.values:
        errors["point"] = _("'%(value)s' is not an outcome point.") % {"value": point}
    if status not in Outcome.Status.values:
        errors["status"] = _("'%(value)s' is not a status.") % {"value": status}
    if source not in Outcome.Source.values:
        errors["source"] = _("'%(value)s' is not an outcome source.") % {"value": source}
    if contract_type and contract_type not in Outcome.Contract.values:
        errors["contract_type"] = _("'%(value)s' is not a contract type.") % {
            "value": contract_type
        }
    elif contract_type and status != Outcome.Status.EMPLOYED:
        errors["contract_type"] = _("A contract type goes only with the status 'employed'.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), set_actor(actor):
        duo = Duo.objects.select_for_update(of=("self",)).select_related("programme").get(pk=duo.pk)
        if duo.status != Duo.Status.ENDED:
            raise ValidationError(_("Outcomes are recorded once the duo has ended."))
        if date is None:
            date = duo.ended_on if point == Outcome.Point.EXIT else follow_up_date(duo)
        if date < duo.started_on:
            raise ValidationError({"date": _("An outcome cannot be dated before the duo started.")})
        outcome, _created = Outcome.objects.update_or_create(
            duo=duo,
            point=point,
            defaults={
                "date": date,
                "status": status,
                "contract_type": contract_type,
                "source": source,
                "note": note.strip(),
                "recorded_by": actor,
            },
        )
        figures_changed(duo.programme_id)
        return outcome


# --- mentor accounts ------------------------------------------------


def mentor_account_invite(actor, *, mentor: Mentor, request_base: str) -> Mentor:
    """Give a mentor an account: their e-mail is their login."""
    if not mentor.email:
        raise ValidationError(_("Record the mentor's e-mail address first: it is their login."))
    with transaction.atomic(), set_actor(actor):
        mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
        user, _created = account_for(
            email=mentor.email, first_name=mentor.first_name, last_name=mentor.last_name
        )
        other = Mentor.objects.filter(user=user).exclude(pk=mentor.pk).first()
        if other is not None:
            raise ValidationError(
                _("%(email)s already signs in as a mentor of %(programme)s.")
                % {"email": user.email, "programme": other.programme}
            )
        mentor.user = user
        mentor.save(update_fields=["user", "updated_at"])
        if not user.has_usable_password():
            transaction.on_commit(
                lambda: send_invitation(user=user, inviter=actor, request_base=request_base)
            )
        return mentor


def mentor_account_revoke(actor, *, mentor: Mentor) -> Mentor:
    """The mentor loses their account's access to the programme at once."""
    with transaction.atomic(), set_actor(actor):
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to user.
        mentor = (
            Mentor.objects.select_for_update(of=("self",)).select_related("user").get(pk=mentor.pk)
        )
        user = mentor.user
        if user is None:
            return mentor
        mentor.user = None
        mentor.save(update_fields=["user", "updated_at"])
        deactivate_if_unused(type(user).objects.get(pk=user.pk))  # fresh: no cached profile
        return mentor


# --- proposals, closing and coaching ----------------------------------------------

REMATCH_BONUS_DAYS = 30
EARLY_END_REASONS = {
    EndReason.MENTEE_WITHDREW,
    EndReason.MENTOR_WITHDREW,
    EndReason.MISMATCH,
    EndReason.OTHER,
}


def _proposed(duo: Duo) -> Duo:
    duo = Duo.objects.select_for_update(of=("self",)).select_related("programme").get(pk=duo.pk)
    if duo.status != Duo.Status.PROPOSED:
        raise ValidationError(_("This duo is no longer a proposal."))
    return duo


def duo_plan_introduction(actor, *, duo: Duo, on: dt.date) -> Duo:
    with transaction.atomic(), set_actor(actor):
        duo = _proposed(duo)
        duo.introduction_on = on
        duo.save(update_fields=["introduction_on", "updated_at"])
        return duo


def duo_record_agreement(actor, *, duo: Duo, side: str) -> Duo:
    """One side agreed after the introduction; when both have, the duo starts
    (through ``duo_activate``: the mentor's capacity is checked under a lock)."""
    if side not in ("mentee", "mentor"):
        raise ValidationError(_("Agreement is recorded for the mentee or the mentor."))
    with transaction.atomic(), set_actor(actor):
        duo = _proposed(duo)
        setattr(duo, f"{side}_agreed_at", timezone.now())
        duo.save(update_fields=[f"{side}_agreed_at", "updated_at"])
        if duo.mentee_agreed_at and duo.mentor_agreed_at:
            duo = duo_activate(actor, duo=duo)
        return duo


def duo_close(
    actor,
    *,
    duo: Duo,
    ended_on: dt.date,
    end_reason: str,
    exit_status: str,
    exit_contract: str = "",
    feedback: list[dict] = (),
    rematch: bool = False,
) -> Duo:
    """End a duo with its exit outcome and feedback, in one transaction. After an
    early end the mentee may go back to the pool with a waiting bonus (never
    the same mentor again: former pairs are not proposed)."""
    if rematch and end_reason not in EARLY_END_REASONS:
        raise ValidationError({"rematch": _("Re-matching is offered after an early end only.")})
    with transaction.atomic(), set_actor(actor):
        duo = duo_end(actor, duo=duo, ended_on=ended_on, end_reason=end_reason)
        outcome_record(
            actor,
            duo=duo,
            point=Outcome.Point.EXIT,
            status=exit_status,
            contract_type=exit_contract,
            source=Outcome.Source.COORDINATOR,
        )
        for answer in feedback:
            DuoFeedback.objects.update_or_create(
                duo=duo,
                respondent=answer["respondent"],
                defaults={
                    "satisfaction": answer["satisfaction"],
                    "would_recommend": answer.get("would_recommend"),
                    "comment": answer.get("comment", ""),
                },
            )
        if rematch:
            mentee = Mentee.objects.select_for_update().get(pk=duo.mentee_id)
            mentee.rematch_bonus_days += REMATCH_BONUS_DAYS
            mentee.waiting_since = ended_on
            mentee.save(update_fields=["rematch_bonus_days", "waiting_since", "updated_at"])
            _set_status(mentee, PipelineStatus.READY)
        return duo


def duo_assign_coach(actor, *, duo: Duo, coach, allowed_coaches) -> Duo:
    """``allowed_coaches``: the users who may coach this programme (from the access layer)."""
    if coach is not None and not allowed_coaches.filter(pk=coach.pk).exists():
        raise ValidationError({"coach": _("This person is not a mentor-coach of the programme.")})
    with transaction.atomic(), set_actor(actor):
        duo.coach = coach
        duo.save(update_fields=["coach", "updated_at"])
        return duo
