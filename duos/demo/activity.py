"""What happened within each duo: meetings at the programme's rhythm (never in
the future, within the duo's period) and outcomes at exit and at follow-up."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from duos.demo import vocab
from duos.demo.people import pick
from duos.demo.profiles import Profile
from duos.demo.timeline import DAY, Context, DuoPlan
from duos.models import ContractType, DuoStatus, EndReason, MeetingTopic, OutcomeSource
from duos.models import OutcomeStatus as S

# Topics that come up early in a duo, mid-way and towards its end.
PHASES = (
    (0.25, ("orientation", "cv", "administration", "wellbeing", "language")),
    (0.6, ("cv", "applications", "network", "training", "language")),
    (9.9, ("applications", "interview", "network", "training", "wellbeing")),
)
TOPIC_ORDER = list(MeetingTopic.values)
MINUTES = (30, 45, 60, 60, 60, 75, 90, 120)

EXIT_STATUSES = {
    EndReason.GOAL_REACHED: (
        (S.EMPLOYED, 60), (S.SELF_EMPLOYED, 5), (S.TRAINING, 15), (S.STUDIES, 5),
        (S.INTERNSHIP, 15),
    ),
    EndReason.COMPLETED: (
        (S.EMPLOYED, 35), (S.SELF_EMPLOYED, 3), (S.TRAINING, 12), (S.STUDIES, 3),
        (S.INTERNSHIP, 9), (S.STILL_SEARCHING, 32), (S.INACTIVE, 2), (S.UNKNOWN, 4),
    ),
}  # fmt: skip
EARLY_EXIT_STATUSES = (
    (S.STILL_SEARCHING, 50), (S.INACTIVE, 15), (S.UNKNOWN, 15), (S.EMPLOYED, 12),
    (S.TRAINING, 8),
)  # fmt: skip
CONTRACTS = (
    (ContractType.FIXED_TERM, 35), (ContractType.PERMANENT, 25),
    (ContractType.TEMPORARY_AGENCY, 20), (ContractType.SOCIAL_ECONOMY, 12),
    (ContractType.OTHER, 8),
)  # fmt: skip
EXIT_SOURCES = ((OutcomeSource.COORDINATOR, 60), (OutcomeSource.MENTEE, 40))
FOLLOW_UP_SOURCES = (
    (OutcomeSource.EMPLOYMENT_SERVICE, 50), (OutcomeSource.MENTEE, 30),
    (OutcomeSource.COORDINATOR, 15), (OutcomeSource.EMPLOYER, 5),
)  # fmt: skip


def _lag(ctx: Context, interval: float) -> int:
    """Days since the last meeting of a running duo: mostly on track, some slipping or silent."""
    health = pick(ctx.rng, (("on_track", 70), ("slipping", 15), ("silent", 15)))
    if health == "on_track":
        return ctx.rng.randint(0, int(interval + 3))
    if health == "slipping":
        return ctx.rng.randint(int(interval + 3) + 1, int(2 * interval))
    return ctx.rng.randint(int(2 * interval) + 1, int(2 * interval) + 25)


def meeting_dates(ctx: Context, plan: DuoPlan, interval: float) -> list[dt.date]:
    """Walk back from the last meeting at the programme's rhythm, with jitter and gaps."""
    rng = ctx.rng
    if plan.status == DuoStatus.ENDED:
        days = (plan.ended_on - plan.started_on).days
        last = plan.ended_on - rng.randint(0, min(5, days)) * DAY
    else:
        last = ctx.today - (plan.lag if plan.lag is not None else _lag(ctx, interval)) * DAY
    dates, day = [], last
    while day >= plan.started_on:
        dates.append(day)
        step = round(interval + rng.uniform(-2, 3))
        if rng.random() < 0.08:  # a missed meeting
            step += round(interval)
        day -= max(step, 2) * DAY
    return dates[::-1]


def plan_meetings(ctx: Context, plan: DuoPlan, profile: Profile, interval: float) -> None:
    rng = ctx.rng
    for day in meeting_dates(ctx, plan, interval):
        progress = (day - plan.started_on).days / (ctx.weeks * 7)
        pool = next(topics for limit, topics in PHASES if progress < limit)
        topics = rng.sample(pool, rng.choice((1, 1, 2, 2, 3)))
        note = rng.choice(vocab.MEETING_NOTES[profile.language]) if rng.random() < 0.2 else ""
        plan.meetings.append(
            {
                "date": day,
                "minutes": rng.choice(MINUTES),
                "mode": pick(rng, profile.meeting_modes),
                "topics": sorted(topics, key=TOPIC_ORDER.index),
                "note": note,
            }
        )


def _outcome(ctx: Context, status: str, *, day: dt.date, sources) -> dict:
    contract = pick(ctx.rng, CONTRACTS) if status == S.EMPLOYED else ""
    return {
        "date": day,
        "status": status,
        "contract_type": contract,
        "source": pick(ctx.rng, sources),
    }


def plan_outcomes(ctx: Context, plan: DuoPlan, profile: Profile, follow_up_months: int) -> None:
    """At exit for most ended duos; at follow-up for a trajectory's last duo once due."""
    rng = ctx.rng
    exit_status = pick(rng, EXIT_STATUSES.get(plan.end_reason, EARLY_EXIT_STATUSES))
    if rng.random() < 0.94:  # a few are never recorded: they count as unknown
        plan.outcomes["exit"] = _outcome(ctx, exit_status, day=plan.ended_on, sources=EXIT_SOURCES)
    due = plan.ended_on + relativedelta(months=follow_up_months)
    if not plan.final or due > ctx.today or rng.random() < 0.1:
        return
    status = pick(rng, profile.follow_up)
    if exit_status in (S.EMPLOYED, S.SELF_EMPLOYED) and rng.random() < 0.85:
        status = exit_status  # most who found work keep it
    plan.outcomes["follow_up"] = _outcome(ctx, status, day=due, sources=FOLLOW_UP_SOURCES)
