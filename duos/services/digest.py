"""The coordinators' daily digest (issue 16): what arrived and what waits for
them — new applications, applications to screen, proposals to confirm,
follow-ups due, mentees' answers to decide and open concerns — in their
language, once a day, and nothing when nothing waits."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from duos import access, selectors
from duos.models import Duo, Mentee, Mentor, Origin, PipelineStatus
from duos.services import notifications
from programmes.access import coordinated_programmes
from programmes.models import Role

logger = logging.getLogger(__name__)

LISTED = 20  # at most this many names per section; the count says the rest


@dataclass
class Digest:
    new_applications: list = field(default_factory=list)
    new_applications_count: int = 0
    to_screen: int = 0
    proposals: list = field(default_factory=list)
    proposals_count: int = 0
    follow_ups_due: int = 0
    answers_to_decide: int = 0
    concerns: list = field(default_factory=list)
    concerns_count: int = 0

    @property
    def empty(self) -> bool:
        return not (
            self.new_applications_count
            or self.to_screen
            or self.proposals_count
            or self.follow_ups_due
            or self.answers_to_decide
            or self.concerns_count
        )


def coordinator_digest(user, *, now: dt.datetime | None = None) -> Digest:
    """What waits for one coordinator, over the programmes they coordinate.
    "New" means arrived through the public form in the last 24 hours."""
    now = now or timezone.now()
    programmes = coordinated_programmes(user)
    digest = Digest()
    since = now - dt.timedelta(days=1)
    for model in (Mentee, Mentor):
        people = model.objects.filter(programme__in=programmes)
        new = people.filter(origin=Origin.APPLICATION, created_at__gte=since, created_at__lt=now)
        digest.new_applications_count += new.count()
        digest.new_applications += list(
            new.select_related("programme").order_by("created_at")[:LISTED]
        )
        digest.to_screen += people.filter(status=PipelineStatus.APPLIED).count()
    proposals = (
        access.coordinated_duos(user)
        .filter(status=Duo.Status.PROPOSED)
        .select_related("mentee", "mentor", "programme")
        .order_by("proposed_on", "created_at")
    )
    digest.proposals_count = proposals.count()
    digest.proposals = list(proposals[:LISTED])
    digest.follow_ups_due = selectors.follow_ups_due(user).count()
    digest.answers_to_decide = selectors.answers_to_decide(user).count()
    concerns = selectors.open_concerns(access.coordinated_duos(user))
    digest.concerns_count = concerns.count()
    digest.concerns = list(concerns[:LISTED])
    return digest


def send_coordinator_digests(now: dt.datetime | None = None) -> int:
    """Each active coordinator with something waiting gets one digest a day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role=Role.COORDINATOR,
            memberships__revoked_at__isnull=True,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    sent = 0
    for user in users:
        try:
            digest = coordinator_digest(user, now=now)
            if digest.empty or not notifications.first_today(
                "coordinator-digest", recipient_id=user.pk, today=today
            ):
                continue
            notifications.send(
                template="coordinator_digest",
                context={"user": user, "digest": digest, "site": settings.SITE_URL},
                to=[user.email],
                language=notifications.staff_language(user),
            )
        except Exception:  # one coordinator's failure must not stop the others
            logger.exception("The digest for coordinator %s could not be sent", user.pk)
            continue
        sent += 1
    return sent
