"""E-mails to the people of a duo: rendered in the recipient's language, sent
after the commit, and never failing the user's request (a failure is logged).

Subjects are made safe here once: a name typed with a line break would
otherwise make the mail header invalid (BadHeaderError) and lose the message.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from duos.models import Duo
from programmes.models import Membership, Role
from programmes.services.profile import language_for

logger = logging.getLogger(__name__)

SUBJECT_LIMIT = 150


def safe_subject(text: str) -> str:
    """One line, no control characters, of a sensible length."""
    line = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return line[:SUBJECT_LIMIT]


def send(*, template: str, context: dict, to: list[str], language: str) -> None:
    """Render ``duos/email/<template>.txt`` and its ``_subject`` in ``language``."""
    if not to:
        return
    with translation.override(language):
        subject = safe_subject(render_to_string(f"duos/email/{template}_subject.txt", context))
        body = render_to_string(f"duos/email/{template}.txt", context)
    send_mail(subject, body, None, to)


def first_today(kind: str, *, recipient_id: int, today: dt.date) -> bool:
    """True the first time a daily message of ``kind`` goes to this recipient
    today: a second run (a retry, a beat restart) sends nothing. If the shared
    cache cannot be reached, True all the same (better twice than never)."""
    try:
        return cache.add(f"duo:{kind}:{recipient_id}:{today.isoformat()}", 1, 2 * 86400)
    except Exception:
        logger.exception("%s: the cache is not reachable; sending anyway", kind)
        return True


def send_on_commit(*, template: str, context: dict, to: list[str], language: str) -> None:
    """After the transaction commits; a failure is logged, never raised."""

    def deliver() -> None:
        try:
            send(template=template, context=context, to=to, language=language)
        except Exception:
            logger.exception("The %s e-mail to %s could not be sent", template, to)

    if to:
        transaction.on_commit(deliver)


def coordinators(duo: Duo) -> list:
    """The active coordinators of the duo's programme (users), with their profiles."""
    memberships = Membership.objects.filter(
        organisation_id=duo.programme.operator_id,
        role=Role.COORDINATOR,
        revoked_at__isnull=True,
        user__is_active=True,
    ).select_related("user", "user__profile")
    return [m.user for m in memberships if m.user.email]


def coordinator_emails(duo: Duo) -> list[str]:
    return sorted({user.email for user in coordinators(duo)})


def staff_language(user) -> str:
    """The language a staff user reads their e-mails in: their profile's, else
    the site's (programmes.services.profile.language_for)."""
    return language_for(user)


def by_language(users) -> dict[str, list[str]]:
    """Addresses grouped by their owner's language: one message per language."""
    groups: dict[str, set[str]] = {}
    for user in users:
        if user.email:
            groups.setdefault(language_for(user), set()).add(user.email)
    return {language: sorted(emails) for language, emails in sorted(groups.items())}


def duo_news(duo: Duo, *, template: str) -> None:
    """Tell the mentor, the mentee (each in their language) and the coach."""
    context = {"duo": duo, "site": settings.SITE_URL}
    for person in (duo.mentor, duo.mentee):
        if person.email:
            send_on_commit(
                template=template,
                context={**context, "recipient": person},
                to=[person.email],
                language=language_for(person),
            )
    coach = duo.coach
    if coach is not None and coach.is_active and coach.email:
        send_on_commit(
            template=template,
            context={**context, "recipient": coach, "as_coach": True},
            to=[coach.email],
            language=staff_language(coach),
        )
