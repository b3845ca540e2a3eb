"""Who was paired with whom, and when: each mentee's trajectory of duos, the
mentors assigned within their capacity, and the pipeline statuses that follow.

Pure planning, like ``people``: dates are relative to ``today``."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from duos.demo import vocab
from duos.demo.people import Person
from duos.models import DuoStatus, EndReason, PipelineStatus
from programmes.models import MatchingWeights

FAR = dt.date.max
DAY = dt.timedelta(days=1)

# Shares of a programme's mentees by what happens to them; the rest are "done".
MENTEE_FATES = (
    ("applied", 0.06),
    ("screened", 0.06),
    ("withdrawn", 0.06),
    ("waiting", 0.07),
    ("proposed", 0.05),
    ("declined", 0.05),
    ("active", 0.18),
)
# How often a trajectory ends for each reason (every reason appears at least once).
END_REASONS = (
    (EndReason.COMPLETED, 50),
    (EndReason.GOAL_REACHED, 20),
    (EndReason.MENTEE_WITHDREW, 12),
    (EndReason.MENTOR_WITHDREW, 6),
    (EndReason.MISMATCH, 6),
    (EndReason.OTHER, 6),
)
# Days a duo ran before it ended, by end reason (completed: the programme's length).
SPANS = {
    EndReason.GOAL_REACHED: (56, None),
    EndReason.MENTEE_WITHDREW: (14, 91),
    EndReason.MENTOR_WITHDREW: (21, 112),
    EndReason.MISMATCH: (10, 56),
    EndReason.OTHER: (14, 140),
}
EARLY_ENDS = (EndReason.MISMATCH, EndReason.MENTOR_WITHDREW)


@dataclass
class DuoPlan:
    status: str
    proposed_on: dt.date
    mentee: Person | None = None
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    end_reason: str = ""
    decline_reason: str = ""
    lag: int | None = None  # active: days since the last meeting (None: drawn later)
    mentor: Person | None = None
    coach: str | None = None  # demo account key
    final: bool = False  # the trajectory's last duo (it decides the outcome)
    score: Decimal | None = None
    components: list = field(default_factory=list)
    meetings: list[dict] = field(default_factory=list)
    outcomes: dict[str, dict] = field(default_factory=dict)

    @property
    def held(self) -> tuple[dt.date, dt.date] | None:
        """The stretch during which the duo takes one of the mentor's slots."""
        if self.status == DuoStatus.DECLINED:
            return None
        if self.status == DuoStatus.PROPOSED:
            return (self.proposed_on, FAR)
        return (self.started_on, self.ended_on or FAR)


@dataclass
class Context:
    rng: random.Random
    today: dt.date
    start: dt.date  # of the history
    weeks: int  # duo length

    def between(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))


def mentee_fates(rng: random.Random, n: int, *, demo_mentor: bool) -> list[str]:
    fates = [fate for fate, share in MENTEE_FATES for _ in range(round(n * share))]
    fates += ["done"] * (n - len(fates))
    rng.shuffle(fates)
    if demo_mentor:  # the two active duos of mentor@example.org
        for special in ("mentor_silent", "mentor_on_track"):
            fates[fates.index("active")] = special
    return fates


def end_reasons(rng: random.Random, n: int) -> list[tuple[str, float]]:
    """``n`` (end reason, place in the history from 0 to 1), every reason at least once.

    The places are stratified so that the cohorts are evenly filled."""
    reasons = [reason for reason, _weight in END_REASONS][:n]
    reasons += rng.choices(*zip(*END_REASONS, strict=True), k=n - len(reasons))
    rng.shuffle(reasons)
    places = [(i + rng.random()) / n for i in range(n)]
    rng.shuffle(places)
    return list(zip(reasons, places, strict=True))


def _span(ctx: Context, reason: str) -> int:
    if reason == EndReason.COMPLETED:
        return ctx.weeks * 7 + ctx.rng.randint(-4, 10)
    low, high = SPANS[reason]
    return ctx.rng.randint(low, high or ctx.weeks * 7 - 7)


def _started(ctx: Context, start: dt.date, **kwargs) -> DuoPlan:
    status = DuoStatus.ENDED if kwargs.get("ended_on") else DuoStatus.ACTIVE
    proposed_on = start - dt.timedelta(days=ctx.rng.randint(5, 12))
    return DuoPlan(status, proposed_on, started_on=start, **kwargs)


def ended_trajectory(ctx: Context, reason: str, place: float) -> list[DuoPlan]:
    """One ended duo, or (re-matching) an early end, a pause, then the last duo."""
    rng, legs = ctx.rng, []
    if rng.random() < 0.15:
        legs.append((rng.choice(EARLY_ENDS), rng.randint(14, 70), rng.randint(14, 45)))
    legs.append((reason, _span(ctx, reason), 0))
    total = sum(span + gap for _reason, span, gap in legs)
    latest = ctx.today - dt.timedelta(days=total + 1)
    start = ctx.start + dt.timedelta(days=max(0, round((latest - ctx.start).days * place)))
    plans = []
    for leg_reason, span, gap in legs:
        if start >= ctx.today:
            break
        end = max(start, min(start + dt.timedelta(days=span), ctx.today - DAY))
        plans.append(_started(ctx, start, ended_on=end, end_reason=leg_reason))
        start = end + dt.timedelta(days=gap)
    return plans


def active_trajectory(ctx: Context) -> list[DuoPlan]:
    """A running duo, sometimes after an early end with another mentor."""
    rng = ctx.rng
    earliest = max(ctx.start, ctx.today - dt.timedelta(weeks=ctx.weeks) + 7 * DAY)
    start = ctx.between(earliest, ctx.today - 7 * DAY)
    plans = []
    if rng.random() < 0.2:
        end = start - dt.timedelta(days=rng.randint(14, 45))
        first = end - dt.timedelta(days=rng.randint(14, 70))
        if first >= ctx.start:
            reason = rng.choice(EARLY_ENDS)
            plans.append(_started(ctx, first, ended_on=end, end_reason=reason))
    return [*plans, _started(ctx, start)]


def trajectory(ctx: Context, fate: str, reasons: list, demo: Person | None) -> list[DuoPlan]:
    """The duos of one mentee according to their fate (``reasons``: see end_reasons)."""
    rng, today = ctx.rng, ctx.today
    if fate == "done":
        return ended_trajectory(ctx, *reasons.pop())
    if fate == "active":
        return active_trajectory(ctx)
    if fate in ("mentor_silent", "mentor_on_track"):
        # Silent: 20 days since the last meeting (> 2 × 7.5); on track: 2 days.
        start, lag = (70, 20) if fate == "mentor_silent" else (40, 2)
        plan = _started(ctx, today - dt.timedelta(days=start), lag=lag, coach="coach")
        plan.mentor = demo
        return [plan]
    if fate == "proposed":
        return [DuoPlan(DuoStatus.PROPOSED, today - rng.randint(0, 10) * DAY)]
    if fate == "declined":
        proposed_on = today - rng.randint(20, 150) * DAY
        reason = rng.choice(vocab.DECLINE_REASONS)
        return [DuoPlan(DuoStatus.DECLINED, proposed_on, decline_reason=reason)]
    return []


def entry_date(ctx: Context, fate: str, plans: list[DuoPlan]) -> dt.date:
    """When the mentee applied: some weeks before their first proposal."""
    rng, today = ctx.rng, ctx.today
    if plans:
        return plans[0].proposed_on - rng.randint(14, 60) * DAY
    days = {"applied": (0, 20), "screened": (7, 45), "waiting": (20, 120)}.get(fate)
    if days:
        return today - rng.randint(*days) * DAY
    return ctx.between(ctx.start, today - 30 * DAY)


# --- mentors --------------------------------------------------------------------------


def mentor_fates(rng: random.Random, n: int) -> list[str]:
    fates = ["applied"] * 2 + ["screened"] * 2 + ["withdrawn"] * 2
    fates += ["pool"] * (n - len(fates))
    rng.shuffle(fates)
    return fates


def mentor_entry(ctx: Context, fate: str) -> dt.date:
    rng, today = ctx.rng, ctx.today
    if fate == "applied":
        return today - rng.randint(0, 20) * DAY
    if fate == "screened":
        return today - rng.randint(7, 40) * DAY
    if fate == "pool" and rng.random() < 0.5:  # veterans, there before the history starts
        return ctx.start - rng.randint(60, 400) * DAY
    return ctx.between(ctx.start, today - 75 * DAY)


def _free(mentor: Person, held: tuple[dt.date, dt.date]) -> bool:
    start, end = held
    overlapping = sum(1 for s, e in mentor.busy if s <= end and start <= e)
    return overlapping < mentor.values["capacity"]


def _choose(rng: random.Random, plan: DuoPlan, mentors: list[Person], paired: set) -> Person:
    """The best-fitting free mentor (language, sector, place), ties broken at random."""
    mentee = plan.mentee
    pool = [
        m
        for m in mentors
        if m.fate == "pool"
        and m.available_from <= plan.proposed_on
        and (mentee.ref, m.ref) not in paired  # a former pair is never proposed again
        and (plan.held is None or _free(m, plan.held))
    ]

    def fit(m: Person):
        return (
            3 * bool(set(m.languages) & set(mentee.languages))
            + 2 * bool(set(m.sectors) & set(mentee.sectors))
            + (m.values["municipality"] == mentee.values["municipality"])
            - 0.3 * len(m.busy)
            + rng.random()
        )

    return max(pool, key=fit, default=None)


def assign_mentors(rng: random.Random, plans: list[DuoPlan], mentors: list[Person]):
    """Give each duo a mentor, never over capacity; duos no mentor can take are dropped."""
    paired: set[tuple[str, str]] = set()
    order = sorted(plans, key=lambda p: (p.mentor is None, p.proposed_on, p.mentee.ref))
    for plan in order:
        plan.mentor = plan.mentor or _choose(rng, plan, mentors, paired)
        if plan.mentor is None:
            continue
        paired.add((plan.mentee.ref, plan.mentor.ref))
        if plan.held:
            plan.mentor.busy.append(plan.held)
    return [plan for plan in plans if plan.mentor is not None]


def score(plan: DuoPlan, rng: random.Random) -> None:
    """A plausible match score with its components (DESIGN.md "Matching" 3–4)."""
    weights, mentee, mentor = MatchingWeights.DEFAULT_WEIGHTS, plan.mentee, plan.mentor
    parts = []
    sectors = [s for s in mentee.sectors if s in mentor.sectors]
    if sectors:
        parts.append(("sector", weights["sector"], ", ".join(sorted(sectors))))
    languages = [code for code in mentee.languages if code in mentor.languages]
    if languages:
        points = weights["language"] if len(languages) > 1 else weights["language"] / 2
        parts.append(("language", points, ", ".join(sorted(languages))))
    if mentee.values["municipality"] == mentor.values["municipality"]:
        parts.append(("proximity", weights["proximity"], "municipality"))
    else:
        parts.append(("proximity", weights["proximity"] * 0.3, "region"))
    parts.append(
        ("availability", rng.choice([weights["availability"] / 2, weights["availability"]]), "")
    )
    waited = max(0, (plan.proposed_on - mentee.entry).days - 14)
    waiting = round(weights["waiting"] * min(waited / 90, 1), 1)
    parts.append(("waiting", waiting, str(waited)))
    if mentee.values["priority"]:
        parts.append(("priority", weights["priority"], ""))
    # The same shape as duos.matching_runs.components_for, so explain() reads it.
    plan.components = [{"component": c, "points": p, "detail": d} for c, p, d in parts if p]
    plan.score = Decimal(str(sum(c["points"] for c in plan.components))).quantize(Decimal("0.01"))


# --- pipeline statuses ------------------------------------------------------------------


def settle_mentee(rng: random.Random, mentee: Person, plans: list[DuoPlan], today) -> None:
    """Status consistent with the duos: in a duo while one runs, done after it ended."""
    started = sorted((p for p in plans if p.started_on), key=lambda p: p.started_on)
    if started:
        started[-1].final = True
    if mentee.fate in ("applied", "screened", "withdrawn"):
        mentee.status = mentee.fate
        mentee.status_on = min(mentee.entry + rng.randint(3, 20) * DAY, today)
        if mentee.fate == "withdrawn":
            mentee.withdrawal_reason = rng.choice(vocab.MENTEE_WITHDRAWALS)
    elif started and started[-1].status == DuoStatus.ACTIVE:
        mentee.status, mentee.status_on = PipelineStatus.IN_DUO, started[-1].started_on
    elif started:
        mentee.status, mentee.status_on = PipelineStatus.DONE, started[-1].ended_on
    else:  # waiting, possibly with a proposal or after a declined one
        mentee.status = PipelineStatus.READY
        mentee.waiting_since = min(mentee.entry + rng.randint(7, 21) * DAY, today)
        mentee.status_on = mentee.waiting_since


def settle_mentor(rng: random.Random, mentor: Person, plans: list[DuoPlan], today) -> None:
    """In a duo while one runs; after the last one ends, available again (or done)."""
    if mentor.fate != "pool":
        mentor.status = mentor.fate
        mentor.status_on = min(mentor.entry + rng.randint(3, 60) * DAY, today)
        if mentor.fate == "withdrawn":
            mentor.withdrawal_reason = rng.choice(vocab.MENTOR_WITHDRAWALS)
        return
    statuses = {p.status for p in plans}
    ended = [p.ended_on for p in plans if p.ended_on]
    mentor.status, mentor.status_on = PipelineStatus.READY, mentor.available_from
    if DuoStatus.ACTIVE in statuses:
        mentor.status = PipelineStatus.IN_DUO
        mentor.status_on = max(p.started_on for p in plans if p.status == DuoStatus.ACTIVE)
    elif ended and DuoStatus.PROPOSED not in statuses:
        mentor.status_on = max(ended)
        if (today - max(ended)).days > 300 and rng.random() < 0.35:
            mentor.status = PipelineStatus.DONE  # stopped volunteering


def assign_coaches(rng: random.Random, plans: list[DuoPlan], *, account: str) -> None:
    """The demo coach follows the demo mentor's duos, four other running duos and some
    past ones."""
    running = sorted(
        (p for p in plans if p.status == DuoStatus.ACTIVE and p.coach is None),
        key=lambda p: (p.started_on, p.mentee.ref),
    )
    for plan in running[:4]:
        plan.coach = account
    for plan in plans:
        if plan.status == DuoStatus.ENDED and rng.random() < 0.25:
            plan.coach = account
