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

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duos.models import (
    Duo,
    DuoFeedback,
    EndReason,
    Mentee,
    Mentor,
    Outcome,
    PipelineStatus,
)
from duos.rules import duo_rules
from duos.services import notifications
from duos.services.figures import figures_changed
from duos.services.outcomes import KEEP_QUALIFICATION, outcome_record
from programmes.services.rules import rules_current


class CapacityError(ValidationError):
    """The mentor has no free slot left."""


def _set_status(participant: Mentee | Mentor, status: str) -> None:
    if participant.status != status:
        participant.status = status
        participant.status_changed_at = timezone.now()
        participant.save(update_fields=["status", "status_changed_at", "updated_at"])


def _active_duo_count(mentor: Mentor) -> int:
    return Duo.objects.filter(mentor=mentor, status=Duo.Status.ACTIVE).count()


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
    """Propose a pair of the pool (DESIGN.md "Matching" 1 and 7), whatever the
    page the proposal comes from. A former pair is never proposed again. The
    mentor, the mentee and the coach are told by e-mail."""
    if mentee.programme_id != mentor.programme_id:
        raise ValidationError(_("The mentee and the mentor belong to different programmes."))
    for person in (mentee, mentor):
        if person.status == PipelineStatus.WITHDRAWN:
            raise ValidationError(_("%(name)s has withdrawn.") % {"name": person})
    _check_in_pool(mentee, mentor)
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
        duo = Duo.objects.create(
            programme_id=mentee.programme_id,
            mentee=mentee,
            mentor=mentor,
            coach=coach,
            # The rules it starts under, kept whatever changes later.
            rules_version=rules_current(mentee.programme, actor=actor),
            proposed_on=proposed_on or timezone.localdate(),
            match_score=match_score,
            score_components=score_components or [],
        )
        notifications.duo_news(duo, template="duo_proposed")
        return duo


def _check_in_pool(mentee: Mentee, mentor: Mentor) -> None:
    """Only mentees waiting (screened: eligible, or accepted with a recorded
    reason) with consent on file, and mentors screened (trained where the
    programme requires it)."""
    if mentee.status != PipelineStatus.READY or mentee.consent_given_at is None:
        raise ValidationError(
            _(
                "%(name)s is not waiting for a mentor (%(status)s): only screened mentees "
                "with consent on file can be proposed."
            )
            % {"name": mentee, "status": mentee.get_status_display().lower()}
        )
    if mentor.status not in (PipelineStatus.READY, PipelineStatus.IN_DUO):
        raise ValidationError(
            _("%(name)s is not an available mentor (%(status)s).")
            % {"name": mentor, "status": mentor.get_status_display().lower()}
        )
    if mentor.programme.training_required and mentor.training_completed_on is None:
        raise ValidationError(
            _("%(name)s has not completed the mentor training yet.") % {"name": mentor}
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
        duo = (
            Duo.objects.select_for_update(of=("self",))
            .select_related("programme", "rules_version")
            .get(pk=duo.pk)
        )
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
        duo.planned_end_on = started_on + dt.timedelta(weeks=duo_rules(duo).duo_length_weeks)
        duo.save(update_fields=["status", "started_on", "planned_end_on", "updated_at"])
        _set_status(mentee, PipelineStatus.IN_DUO)
        _set_status(mentor, PipelineStatus.IN_DUO)
        figures_changed(duo.programme_id)  # a new last duo changes a trajectory
        notifications.duo_news(duo, template="duo_started")
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


def introduction_held(duo: Duo, *, today: dt.date | None = None) -> bool:
    """The introduction meeting took place: marked held, or its date has come."""
    today = today or timezone.localdate()
    return duo.introduction_held_at is not None or (
        duo.introduction_on is not None and duo.introduction_on <= today
    )


def _start_when_ready(actor, duo: Duo) -> Duo:
    """A proposal becomes active once the introduction has taken place and both
    agreed (DESIGN.md "Matching" 7); until then it stays proposed."""
    if duo.mentee_agreed_at and duo.mentor_agreed_at and introduction_held(duo):
        return duo_activate(actor, duo=duo)
    return duo


def duo_plan_introduction(actor, *, duo: Duo, on: dt.date) -> Duo:
    with transaction.atomic(), set_actor(actor):
        duo = _proposed(duo)
        duo.introduction_on = on
        duo.save(update_fields=["introduction_on", "updated_at"])
        return _start_when_ready(actor, duo)


def duo_mark_introduction_held(actor, *, duo: Duo) -> Duo:
    with transaction.atomic(), set_actor(actor):
        duo = _proposed(duo)
        duo.introduction_held_at = timezone.now()
        duo.introduction_on = duo.introduction_on or timezone.localdate()
        duo.save(update_fields=["introduction_held_at", "introduction_on", "updated_at"])
        return _start_when_ready(actor, duo)


def duo_record_agreement(actor, *, duo: Duo, side: str) -> Duo:
    """One side agreed; the duo starts once both have and the introduction took
    place (through ``duo_activate``: the mentor's capacity is checked under a lock)."""
    if side not in ("mentee", "mentor"):
        raise ValidationError(_("Agreement is recorded for the mentee or the mentor."))
    with transaction.atomic(), set_actor(actor):
        duo = _proposed(duo)
        setattr(duo, f"{side}_agreed_at", timezone.now())
        duo.save(update_fields=[f"{side}_agreed_at", "updated_at"])
        return _start_when_ready(actor, duo)


def duo_start_override(actor, *, duo: Duo, reason: str) -> Duo:
    """A coordinator starts the duo without waiting for the introduction or an
    agreement; the reason is recorded with the duo."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": _("Say why the duo starts without its introduction.")})
    with transaction.atomic(), set_actor(actor):
        duo = _proposed(duo)
        duo.start_override_reason = reason[:200]
        duo.save(update_fields=["start_override_reason", "updated_at"])
        return duo_activate(actor, duo=duo)


def start_agreed_proposals(today: dt.date | None = None) -> int:
    """The daily job: proposals both sides agreed to whose introduction date
    has now come start. Idempotent (a started duo is no longer a proposal)."""
    today = today or timezone.localdate()
    ready = Duo.objects.filter(
        status=Duo.Status.PROPOSED,
        mentee_agreed_at__isnull=False,
        mentor_agreed_at__isnull=False,
        introduction_on__lte=today,
    ).values_list("pk", flat=True)
    started = 0
    for pk in ready:
        try:
            duo_activate(None, duo=Duo.objects.get(pk=pk))
            started += 1
        except ValidationError:
            continue  # e.g. no free slot: the proposal stays for the coordinator
    return started


def duo_close(
    actor,
    *,
    duo: Duo,
    ended_on: dt.date,
    end_reason: str,
    exit_status: str,
    exit_contract: str = "",
    qualification_gained: bool | None | object = KEEP_QUALIFICATION,
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
            qualification_gained=qualification_gained,
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
