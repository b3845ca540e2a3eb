"""What waits on the homes: concerns, duos ending, follow-ups due, answers to decide."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from duos import access
from duos.models import (
    Concern,
    Duo,
    FollowUpRequest,
    Outcome,
)
from duos.rules import duo_rules, horizons_in_use, with_horizon
from programmes.access import coordinated_programmes

# --- the homes' to-do --------------------------------------------------------------


def open_concerns(duos: QuerySet[Duo]) -> QuerySet[Concern]:
    return (
        Concern.objects.filter(duo__in=duos.values("pk"), handled_at__isnull=True)
        .select_related("duo__mentee", "duo__mentor", "raised_by")
        .order_by("-urgent", "created_at")
    )


def ending_soon(duos: QuerySet[Duo], *, within_days: int = 30) -> QuerySet[Duo]:
    today = timezone.localdate()
    return (
        duos.filter(
            status=Duo.Status.ACTIVE,
            planned_end_on__gte=today,
            planned_end_on__lte=today + dt.timedelta(days=within_days),
        )
        .select_related("mentee", "mentor", "programme")
        .order_by("planned_end_on")
    )


def follow_ups_due(user) -> QuerySet[Duo]:
    """Ended duos of the coordinator's programmes whose follow-up point (end +
    the horizon of the rules the duo ran under) has passed, without a follow-up
    outcome yet; with whether and when the question went out
    (``last_request_at``, ``requests``)."""
    today = timezone.localdate()
    due = Q(pk__in=[])
    for months in horizons_in_use():
        due |= Q(horizon_months=months, ended_on__lte=today - relativedelta(months=months))
    has_follow_up = Outcome.objects.filter(duo=OuterRef("pk"), point=Outcome.Point.FOLLOW_UP)
    requests = FollowUpRequest.objects.filter(duo=OuterRef("pk")).order_by()
    return (
        with_horizon(
            Duo.objects.filter(
                programme__in=coordinated_programmes(user).values("pk"),
                status=Duo.Status.ENDED,
            )
        )
        .filter(due)
        .exclude(Exists(has_follow_up))
        # Subqueries, not a join grouped by duo: evaluated for the rows shown
        # (the home lists the first 50), not for every duo due.
        .annotate(
            last_request_at=Subquery(requests.order_by("-created_at").values("created_at")[:1]),
            requests=Coalesce(
                Subquery(
                    requests.values("duo").annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
        )
        .select_related("mentee", "programme")
        .order_by("ended_on")
    )


def pending_answer(duo: Duo) -> FollowUpRequest | None:
    """The mentee's answer waiting beside a recorded follow-up outcome, if any."""
    return duo.follow_up_requests.filter(needs_decision=True, decided_at__isnull=True).first()


def answers_to_decide(user) -> QuerySet[FollowUpRequest]:
    """Mentees' follow-up answers that differ from the recorded outcome."""
    return (
        FollowUpRequest.objects.filter(
            duo__in=access.coordinated_duos(user).values("pk"),
            needs_decision=True,
            decided_at__isnull=True,
        )
        .select_related("duo__mentee", "duo__programme")
        .prefetch_related("duo__outcomes")
        .order_by("answered_at")
    )


def mentor_progress(duo: Duo, today: dt.date | None = None) -> dict:
    """ "Week 9 of 26 — 8 meetings" for the mentor's card."""
    today = today or timezone.localdate()
    week = (today - duo.started_on).days // 7 + 1 if duo.started_on else 0
    return {"week": max(week, 1), "of": duo_rules(duo).duo_length_weeks}
