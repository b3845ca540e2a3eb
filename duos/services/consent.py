"""Consent withdrawal (issue 14 item 1), recorded by a coordinator.

Withdrawing the consent to special-category data (GDPR art. 9: migration
background, disability) erases those answers and the date of that consent,
and keeps the rest of the record. Withdrawing the whole consent erases the
participant (``erasure.participant_erase``): nothing can be kept about them
without it but what the figures need, pseudonymous.

Same conventions as ``services``: actor first, keyword-only, one transaction,
audited.
"""

from __future__ import annotations

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from duos.models import Mentee, Mentor, PipelineStatus, Screening
from duos.services.erasure import participant_erase
from duos.services.intake import SPECIAL_FIELDS, participant_withdraw

SPECIAL = "special"
ALL = "all"


def special_consent_withdraw(actor, *, person: Mentee | Mentor) -> Mentee | Mentor:
    """Erase the special-category answers and their consent; keep the rest."""
    if not isinstance(person, Mentee):
        raise ValidationError(_("Only mentees are asked for special-category data."))
    with transaction.atomic(), set_actor(actor):
        person = Mentee.objects.select_for_update().get(pk=person.pk)
        if person.special_consent_at is None and all(
            getattr(person, name) is None for name in SPECIAL_FIELDS
        ):
            raise ValidationError(
                _("%(name)s has no consent to special-category data on file.") % {"name": person}
            )
        for name in SPECIAL_FIELDS:
            setattr(person, name, None)
        person.special_consent_at = None
        person.save(update_fields=[*SPECIAL_FIELDS, "special_consent_at", "updated_at"])
        _forget_special_checks(person)
        return person


def _forget_special_checks(mentee: Mentee) -> None:
    """The intake's eligibility verdicts said the answer in words: drop those."""
    for screening in Screening.objects.filter(mentee=mentee):
        kept = [c for c in screening.checks if c.get("rule") not in SPECIAL_FIELDS]
        if kept != screening.checks:
            Screening.objects.filter(pk=screening.pk).update(checks=kept)


def consent_withdraw(actor, *, person: Mentee | Mentor, scope: str) -> Mentee | Mentor:
    """``scope`` is :data:`SPECIAL` (special-category data only) or :data:`ALL`
    (the whole consent: the participant is erased)."""
    if scope == SPECIAL:
        return special_consent_withdraw(actor, person=person)
    if scope == ALL:
        with transaction.atomic():
            if person.status not in (PipelineStatus.WITHDRAWN, PipelineStatus.DONE):
                # Out of the matching pool first; active duos must be ended before.
                person = participant_withdraw(
                    actor, person=person, reason=_("Withdrew their consent.")
                )
            return participant_erase(actor, person=person)
    raise ValidationError(_("Say which consent was withdrawn."))
