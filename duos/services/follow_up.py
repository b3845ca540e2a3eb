"""Collecting the follow-up outcome from the mentee: at the follow-up date the
mentee receives, in their language, a link to a one-question page (no sign-in,
single use, expiring). Their answer fills an empty follow-up outcome (source
``mentee``); where a coordinator or an import recorded one already, an answer
that differs is kept beside it for the coordinators to decide, never silently
replacing it (DESIGN.md "Outcome").

- Who is asked: the LAST duo (latest start) of a mentee in a programme, once it
  has ended and its follow-up date (end + the programme's horizon) has come,
  and only within ``SEND_WITHIN_DAYS`` after it (older ones are the
  coordinators' to-do, never an e-mail years late), while it has no follow-up
  outcome yet and the mentee has an e-mail address. A coordinator can send one
  now from the to-do (``follow_up_send_now``).
- Only the SHA-256 of the token is stored: the link itself is known only to the
  mentee's mailbox. A token is answered once and expires after ``VALID_DAYS``.
- Idempotent: while a request is open (unanswered, not expired) no other is
  sent, so a second run on the same day sends nothing. After an unanswered
  request expires a new one is sent, at most ``MAX_REQUESTS`` in all, so a
  mentee who never answers is not written to forever.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from duos.models import Duo, FollowUpRequest, Outcome
from duos.rules import horizons_in_use, with_horizon
from duos.services import notifications
from duos.services.outcomes import follow_up_date, outcome_record

logger = logging.getLogger(__name__)

VALID_DAYS = 20  # three requests fit in the 60 days after the follow-up date
SEND_WITHIN_DAYS = 60  # after the follow-up date (DESIGN.md "Follow-up requests")
MAX_REQUESTS = 3  # per duo: the first request and two more after expiry
TOKEN_BYTES = 32
# The statuses a mentee can choose: everything but "unknown" (not reachable).
ANSWERS = [status for status in Outcome.Status.values if status != Outcome.Status.UNKNOWN]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def answer_link(token: str) -> str:
    return settings.SITE_URL + reverse("duos:follow_up_answer", args=[token])


# --- who is due ---------------------------------------------------------------------


def due_duos(*, today: dt.date) -> list[Duo]:
    """Ended last duos whose follow-up date came in the last ``SEND_WITHIN_DAYS``
    days, without a follow-up outcome, with an e-mail to write to and no open
    request."""
    now = timezone.now()
    # ended_on <= today - horizon, per horizon in use; a few days of margin for
    # month ends (31 Aug + 6 months is 28 Feb), then the exact date in Python.
    # The horizon of the rules each duo ran under (duos.rules.with_horizon).
    window = Q(pk__in=[])
    for months in horizons_in_use():
        cutoff = today - relativedelta(months=months) + dt.timedelta(days=3)
        oldest = cutoff - dt.timedelta(days=SEND_WITHIN_DAYS + 6)
        window |= Q(horizon_months=months, ended_on__lte=cutoff, ended_on__gte=oldest)
    later_duo = Duo.objects.filter(
        mentee=OuterRef("mentee"),
        programme=OuterRef("programme"),
        started_on__gt=OuterRef("started_on"),
    )
    has_follow_up = Outcome.objects.filter(duo=OuterRef("pk"), point=Outcome.Point.FOLLOW_UP)
    open_request = FollowUpRequest.objects.filter(
        duo=OuterRef("pk"), answered_at__isnull=True, expires_at__gt=now
    )
    candidates = (
        with_horizon(Duo.objects.filter(status=Duo.Status.ENDED))
        .filter(window)
        .exclude(mentee__email="")
        .exclude(Exists(later_duo))
        .exclude(Exists(has_follow_up))
        .exclude(Exists(open_request))
        .annotate(requests_sent=Count("follow_up_requests"))
        .filter(requests_sent__lt=MAX_REQUESTS)
        .select_related("programme", "mentee")
        .order_by("ended_on", "pk")
    )
    return [duo for duo in candidates if in_sending_window(duo, today=today)]


def in_sending_window(duo: Duo, *, today: dt.date) -> bool:
    due = follow_up_date(duo)
    return due is not None and due <= today <= due + dt.timedelta(days=SEND_WITHIN_DAYS)


# --- sending ------------------------------------------------------------------------


def _deliver(*, request_id: int, token: str, language: str, context: dict, email: str) -> None:
    """After the commit: send the e-mail; if it cannot be sent, forget the request
    (nobody holds its link) so that the next run tries again."""
    context = {**context, "link": answer_link(token)}
    try:
        notifications.send(
            template="follow_up_request", context=context, to=[email], language=language
        )
    except Exception:
        logger.exception("Follow-up request %s could not be e-mailed; retried next run", request_id)
        FollowUpRequest.objects.filter(pk=request_id, answered_at__isnull=True).delete()


def _request_for(duo: Duo) -> bool:
    """Create one request for ``duo`` unless another worker just did; True if created."""
    with transaction.atomic():
        # The duo's row serialises concurrent runs: the second finds the open request.
        Duo.objects.select_for_update(of=("self",)).get(pk=duo.pk)
        if FollowUpRequest.objects.filter(
            duo=duo, answered_at__isnull=True, expires_at__gt=timezone.now()
        ).exists():
            return False
        if Outcome.objects.filter(duo=duo, point=Outcome.Point.FOLLOW_UP).exists():
            return False  # recorded meanwhile
        token = secrets.token_urlsafe(TOKEN_BYTES)
        mentee = duo.mentee
        request = FollowUpRequest.objects.create(
            duo=duo,
            token_hash=token_hash(token),
            email=mentee.email,
            expires_at=timezone.now() + dt.timedelta(days=VALID_DAYS),
        )
        context = {
            "first_name": mentee.first_name,
            "programme": duo.programme.name,
            "expires_on": timezone.localdate(request.expires_at),
            "valid_days": VALID_DAYS,
        }
        transaction.on_commit(
            lambda: _deliver(
                request_id=request.pk,
                token=token,
                language=mentee.contact_language,
                context=context,
                email=mentee.email,
            )
        )
        return True


def follow_up_send_now(actor, *, duo: Duo) -> None:
    """A coordinator sends the request now (from the to-do), whatever the date."""
    if duo.status != Duo.Status.ENDED:
        raise ValidationError(_("The follow-up question is sent once the duo has ended."))
    if not duo.mentee.email:
        raise ValidationError(_("This mentee has no e-mail address."))
    if not _request_for(duo):
        raise ValidationError(
            _("A request is still open, or the follow-up outcome is recorded already.")
        )


def send_follow_up_requests(today: dt.date | None = None) -> int:
    """Send the follow-up question to every mentee whose follow-up date has come;
    returns how many requests were created."""
    today = today or timezone.localdate()
    return sum(_request_for(duo) for duo in due_duos(today=today))


# --- answering ----------------------------------------------------------------------


class FollowUpClosed(Exception):
    """The link was answered already or has expired; ``reason`` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


ANSWERED, EXPIRED = "answered", "expired"


@dataclass(frozen=True)
class OpenRequest:
    request: FollowUpRequest
    closed: str | None  # None, ANSWERED or EXPIRED


def request_for_token(token: str) -> OpenRequest | None:
    """The request behind a link, and whether it can still be answered; None if unknown."""
    request = (
        FollowUpRequest.objects.filter(token_hash=token_hash(token))
        .select_related("duo__mentee", "duo__programme")
        .first()
    )
    if request is None:
        return None
    return OpenRequest(request=request, closed=_closed(request))


def _closed(request: FollowUpRequest) -> str | None:
    if request.answered_at is not None:
        return ANSWERED
    if request.expires_at <= timezone.now():
        return EXPIRED
    return None


def follow_up_answer(*, token: str, status: str) -> Outcome | None:
    """Record the mentee's answer, once: as the follow-up outcome when none is
    recorded; beside a recorded one that says otherwise (returns None; the
    coordinators decide).

    The request's row is locked, so a double submit records one answer; the
    second raises ``FollowUpClosed``. Raises ``FollowUpRequest.DoesNotExist``
    for an unknown token and ``ValidationError`` for a status not offered."""
    if status not in ANSWERS:
        raise ValidationError({"status": _("Choose one of the answers.")})
    with transaction.atomic():
        request = FollowUpRequest.objects.select_for_update(of=("self",)).get(
            token_hash=token_hash(token)
        )
        closed = _closed(request)
        if closed:
            raise FollowUpClosed(closed)
        request.answered_at = timezone.now()
        request.answer = status
        recorded = Outcome.objects.filter(duo=request.duo, point=Outcome.Point.FOLLOW_UP).first()
        outcome = None
        if recorded is None:
            outcome = outcome_record(
                None,
                duo=request.duo,
                point=Outcome.Point.FOLLOW_UP,
                status=status,
                source=Outcome.Source.MENTEE,
            )
        elif recorded.status != status:
            request.needs_decision = True
        request.save(update_fields=["answered_at", "answer", "needs_decision", "updated_at"])
        return outcome


def follow_up_answer_decide(actor, *, request: FollowUpRequest, use_answer: bool) -> None:
    """A coordinator settles a mentee's answer that differed from the recorded
    follow-up outcome: take the answer (source mentee) or keep what was recorded."""
    with transaction.atomic():
        request = FollowUpRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
        if not request.needs_decision or request.decided_at is not None:
            raise ValidationError(_("This answer was settled already."))
        if use_answer:
            outcome_record(
                actor,
                duo=request.duo,
                point=Outcome.Point.FOLLOW_UP,
                status=request.answer,
                source=Outcome.Source.MENTEE,
                note=_("The mentee's own answer of %(date)s.")
                % {"date": timezone.localdate(request.answered_at).isoformat()},
            )
        request.decided_at = timezone.now()
        request.decided_by = actor
        request.save(update_fields=["decided_at", "decided_by", "updated_at"])
