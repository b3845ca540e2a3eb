"""The mentor's and coach's workspace: concerns, check-ins, silence reminders,
the coach's digest and the follow-up to-do. Writes follow the services'
conventions (actor first, one transaction, audited, e-mails after commit)."""

from __future__ import annotations

import datetime as dt
import logging

from auditlog.context import set_actor
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duos.health import Health
from duos.models import CheckIn, CheckInKind, Concern, Duo, Risk
from duos.selectors import duo_health, with_last_contact
from duos.services import notifications
from programmes.services.profile import language_for

logger = logging.getLogger(__name__)


User = get_user_model()


def concern_raise(actor, *, duo: Duo, text: str, urgent: bool) -> Concern:
    """The coach and the coordinators are told at once, by e-mail."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Say what is going on.")})
    if duo.status != Duo.Status.ACTIVE:
        raise ValidationError(_("Concerns are raised about an active duo."))
    with transaction.atomic(), set_actor(actor):
        concern = Concern.objects.create(duo=duo, raised_by=actor, urgent=urgent, text=text)
        people = notifications.coordinators(duo)
        if duo.coach and duo.coach.is_active and duo.coach.email:
            people.append(duo.coach)
        context = {"concern": concern, "duo": duo, "site": settings.SITE_URL}
        # Each in their own language: one message per language.
        for language, recipients in notifications.by_language(people).items():
            transaction.on_commit(
                lambda to=recipients, lang=language: notifications.send(
                    template="concern", context=context, to=to, language=lang
                )
            )
        return concern


def concern_handle(actor, *, concern: Concern, resolution: str) -> Concern:
    resolution = resolution.strip()
    if not resolution:
        raise ValidationError({"resolution": _("Say how it was handled.")})
    with transaction.atomic(), set_actor(actor):
        concern = Concern.objects.select_for_update().get(pk=concern.pk)
        if concern.handled_at is not None:
            raise ValidationError(_("This concern was handled already."))
        concern.handled_at = timezone.now()
        concern.handled_by = actor
        concern.resolution = resolution
        concern.save(update_fields=["handled_at", "handled_by", "resolution", "updated_at"])
        return concern


def check_in_record(actor, *, duo: Duo, kind: str, on: dt.date, note: str, risk: str) -> CheckIn:
    if kind not in CheckInKind.values or risk not in Risk.values:
        raise ValidationError(_("Unknown kind of check-in or risk."))
    if on > timezone.localdate():
        raise ValidationError({"on": _("A check-in cannot be in the future.")})
    with transaction.atomic(), set_actor(actor):
        return CheckIn.objects.create(
            duo=duo, author=actor, kind=kind, on=on, note=note.strip(), risk=risk
        )


def silent_duos(today: dt.date) -> list[Duo]:
    active = with_last_contact(
        Duo.objects.filter(status=Duo.Status.ACTIVE).select_related(
            "programme", "mentee", "mentor__user", "coach", "rules_version"
        )
    )
    return [duo for duo in active if duo_health(duo, today) == Health.SILENT]


def send_silence_reminders(today: dt.date | None = None) -> int:
    """One reminder to the mentor per silence episode: an episode is identified by
    the last contact it started from, so a second run sends nothing new and a
    new meeting followed by a new silence starts a new episode."""
    today = today or timezone.localdate()
    sent = 0
    for duo in silent_duos(today):
        if duo.silence_reminded_for == duo.last_contact:
            continue
        with transaction.atomic():
            claimed = (
                Duo.objects.filter(pk=duo.pk)
                .exclude(silence_reminded_for=duo.last_contact)
                .update(silence_reminded_for=duo.last_contact)
            )
            if not claimed:  # another worker got there first
                continue
            email = duo.mentor.user.email if duo.mentor.user else duo.mentor.email
            context = {
                "duo": duo,
                "days": (today - duo.last_contact).days,
                "site": settings.SITE_URL,
            }
            language = language_for(duo.mentor)
            transaction.on_commit(
                lambda c=context, e=email, lang=language: notifications.send(
                    template="silence_reminder", context=c, to=[e] if e else [], language=lang
                )
            )
        sent += 1
    return sent


def send_coach_digests(today: dt.date | None = None) -> int:
    """Each coach gets the list of their silent duos (nothing if none), once a day."""
    today = today or timezone.localdate()
    by_coach: dict[int, list[Duo]] = {}
    for duo in silent_duos(today):
        if duo.coach and duo.coach.is_active:
            by_coach.setdefault(duo.coach_id, []).append(duo)
    sent = 0
    for coach_id, duos in by_coach.items():
        if not notifications.first_today("coach-digest", recipient_id=coach_id, today=today):
            continue
        sent += 1
        coach = duos[0].coach
        notifications.send(
            template="coach_digest",
            context={"coach": coach, "duos": duos, "today": today, "site": settings.SITE_URL},
            to=[coach.email],
            language=language_for(coach),
        )
    return sent
