"""Intake writes: public applications, duplicates and merging, screening with
eligibility, mentor training, withdrawal. Same conventions as ``services``:
actor first, keyword-only, one transaction, audited, e-mails sent on commit."""

from __future__ import annotations

import datetime as dt

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from duos.models import (
    AgeBand,
    Duo,
    Mentee,
    Mentor,
    Origin,
    PipelineStatus,
    Screening,
    TrainingAttendance,
    TrainingSession,
)
from duos.services import eligibility
from programmes.models import Programme

CONSENT_VERSION = "2026-11"
SPECIAL_FIELDS = ("migration_background", "disability")


def _set_status(person: Mentee | Mentor, status: str, **fields) -> None:
    person.status = status
    person.status_changed_at = timezone.now()
    for name, value in fields.items():
        setattr(person, name, value)
    person.save()


def _send_confirmation(person: Mentee | Mentor) -> None:
    """Only our own words: anyone can type any address into the public form, so
    the e-mail carries nothing the sender chose (not even the name typed in)."""
    with translation.override(person.contact_language):
        body = render_to_string(
            "duos/email/application_received.txt",
            {
                "person": person,
                "programme": person.programme,
                "is_mentor": isinstance(person, Mentor),
            },
        )
        subject = _("Your application to %(programme)s") % {"programme": person.programme.name}
    send_mail(subject, body, None, [person.email])


def application_submit(
    *, programme: Programme, model: type[Mentee] | type[Mentor], data: dict, special_consent: bool
) -> Mentee | Mentor:
    """A public application: it arrives as ``applied``, with the consent recorded.

    Special-category answers are kept only when their own consent was given."""
    data = dict(data)
    now = timezone.now()
    if not special_consent:
        for name in SPECIAL_FIELDS:
            data.pop(name, None)
    with transaction.atomic(), set_actor(None):
        person = model.objects.create(
            programme=programme,
            origin=Origin.APPLICATION,
            status=PipelineStatus.APPLIED,
            consent_given_at=now,
            consent_version=CONSENT_VERSION,
            special_consent_at=now if special_consent else None,
            **data,
        )
        if person.email:
            transaction.on_commit(lambda: _send_confirmation(person))
        return person


def _digits(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits[-9:]  # +32 470 12 34 56 and 0470 12 34 56 are the same number


def likely_duplicates(person: Mentee | Mentor) -> QuerySet:
    """Other records of the programme with the same e-mail, phone, or name and birth date."""
    model = type(person)
    match = Q(pk__in=[])
    if person.email:
        match |= Q(email__iexact=person.email)
    if person.birth_date:
        match |= Q(
            first_name__iexact=person.first_name,
            last_name__iexact=person.last_name,
            birth_date=person.birth_date,
        )
    candidates = model.objects.filter(programme_id=person.programme_id).exclude(pk=person.pk)
    found = candidates.filter(match)
    phone = _digits(person.phone)
    if len(phone) >= 8:
        # Phones are stored as typed; compare on their last nine digits.
        same_phone = [
            c.pk
            for c in candidates.exclude(phone="").only("pk", "phone")
            if _digits(c.phone) == phone
        ]
        found = found | candidates.filter(pk__in=same_phone)
    return found.distinct()


def participant_merge(
    actor, *, keep: Mentee | Mentor, duplicate: Mentee | Mentor
) -> Mentee | Mentor:
    """Fold a duplicate application into the record we keep, then delete it."""
    if type(keep) is not type(duplicate) or keep.programme_id != duplicate.programme_id:
        raise ValidationError(_("Only two records of the same kind and programme can be merged."))
    if keep.pk == duplicate.pk:
        raise ValidationError(_("A record cannot be merged with itself."))
    if duplicate.duos.exists():
        raise ValidationError(_("The duplicate already has duos: merge it the other way round."))
    with transaction.atomic(), set_actor(actor):
        for field in keep._meta.concrete_fields:
            name = field.name
            if name in {
                "id",
                "uuid",
                "programme",
                "status",
                "status_changed_at",
                "created_at",
                "updated_at",
                "user",
            }:
                continue
            if getattr(keep, name) in ("", None, []) and getattr(duplicate, name) not in (
                "",
                None,
                [],
            ):
                setattr(keep, name, getattr(duplicate, name))
        keep.languages = sorted(set(keep.languages) | set(duplicate.languages))
        keep.sectors = sorted(set(keep.sectors) | set(duplicate.sectors))
        duplicate.screenings.update(**{type(keep).__name__.lower(): keep})
        # Who saw the duplicate saw this person: their trail follows.
        duplicate.access_trail.update(**{type(keep).__name__.lower(): keep})
        duplicate.delete()
        keep.save()
        return keep


def checks_for(person: Mentee | Mentor, *, on: dt.date) -> list[eligibility.Check]:
    if isinstance(person, Mentee):
        return eligibility.mentee_checks(person, on=on)
    return eligibility.mentor_checks(person, on=on)


def _becomes_ready(person: Mentee | Mentor) -> bool:
    if isinstance(person, Mentee):
        return person.consent_given_at is not None
    return not person.programme.training_required or person.training_completed_on is not None


def participant_screen(
    actor,
    *,
    person: Mentee | Mentor,
    interviewed_on: dt.date,
    notes: str = "",
    override_reason: str = "",
    situation: dict | None = None,
) -> Screening:
    """Record the intake interview. An ineligible person passes only with a reason.

    A mentee's situation at entry is written once and never overwritten."""
    if person.status not in (PipelineStatus.APPLIED, PipelineStatus.SCREENED):
        raise ValidationError(
            _("%(name)s is %(status)s: only applicants are screened.")
            % {"name": person, "status": person.get_status_display().lower()}
        )
    if interviewed_on > timezone.localdate():
        raise ValidationError({"interviewed_on": _("The interview cannot be in the future.")})
    if isinstance(person, Mentee) and situation:
        _record_situation(person, situation, on=interviewed_on)
    checks = checks_for(person, on=interviewed_on)
    eligible = all(check.ok for check in checks)
    override_reason = override_reason.strip()
    if not eligible and not override_reason:
        failed = [check.message for check in checks if not check.ok]
        raise ValidationError({"override_reason": failed + [_("Give a reason to accept anyway.")]})
    with transaction.atomic(), set_actor(actor):
        screening = Screening.objects.create(
            **{type(person).__name__.lower(): person},
            interviewed_on=interviewed_on,
            interviewer=actor,
            notes=notes.strip(),
            eligible=eligible,
            checks=[check.as_dict() for check in checks],
            override_reason="" if eligible else override_reason,
        )
        ready = _becomes_ready(person)
        extra = {"waiting_since": interviewed_on} if ready and isinstance(person, Mentee) else {}
        _set_status(person, PipelineStatus.READY if ready else PipelineStatus.SCREENED, **extra)
        return screening


def _record_situation(mentee: Mentee, situation: dict, *, on: dt.date) -> None:
    for name in ("employment_status_at_entry", "jobseeker_ref", "referral_source"):
        if not getattr(mentee, name) and situation.get(name):
            setattr(mentee, name, situation[name])
    if not mentee.age_band_at_entry and mentee.birth_date:
        mentee.age_band_at_entry = AgeBand.for_age(eligibility.age_on(mentee.birth_date, on))


def training_session_create(
    actor, *, programme: Programme, title: str, date: dt.date, location: str = ""
) -> TrainingSession:
    with transaction.atomic(), set_actor(actor):
        return TrainingSession.objects.create(
            programme=programme, title=title.strip(), date=date, location=location.strip()
        )


def training_attendance_record(actor, *, session: TrainingSession, attended: list[Mentor]) -> None:
    """Who attended the session; attending completes a mentor's training and
    makes a screened mentor available."""
    if session.date > timezone.localdate():
        raise ValidationError(_("Attendance is recorded once the session has taken place."))
    if any(m.programme_id != session.programme_id for m in attended):
        raise ValidationError(_("Only mentors of this programme can attend its sessions."))
    with transaction.atomic(), set_actor(actor):
        for mentor in Mentor.objects.select_for_update().filter(pk__in=[m.pk for m in attended]):
            TrainingAttendance.objects.update_or_create(
                session=session, mentor=mentor, defaults={"attended": True}
            )
            if mentor.training_completed_on is None or mentor.training_completed_on < session.date:
                mentor.training_completed_on = session.date
                mentor.save(update_fields=["training_completed_on", "updated_at"])
            if mentor.status == PipelineStatus.SCREENED:
                _set_status(mentor, PipelineStatus.READY)


def participant_withdraw(actor, *, person: Mentee | Mentor, reason: str) -> Mentee | Mentor:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why they withdraw.")})
    if person.status == PipelineStatus.WITHDRAWN:
        raise ValidationError(_("%(name)s has already withdrawn.") % {"name": person})
    if person.duos.filter(status=Duo.Status.ACTIVE).exists():
        raise ValidationError(
            _("%(name)s is in an active duo: end the duo first.") % {"name": person}
        )
    with transaction.atomic(), set_actor(actor):
        for duo in person.duos.filter(status=Duo.Status.PROPOSED):
            duo.status = Duo.Status.DECLINED
            duo.decline_reason = _("Withdrew: %(reason)s") % {"reason": reason}
            duo.decline_reason = duo.decline_reason[:200]
            duo.save(update_fields=["status", "decline_reason", "updated_at"])
        _set_status(person, PipelineStatus.WITHDRAWN, withdrawal_reason=reason[:200])
        return person
