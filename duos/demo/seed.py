"""Planning each programme's demo world and writing it, all in one transaction.

Every random choice comes from one ``random.Random(2026)`` consumed in a fixed
order, and the plan is made before anything is read back from the database,
so the same day always yields the same data."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from auditlog.context import disable_auditlog
from django.db import transaction

from duos.demo.accounts import seed_accounts
from duos.demo.activity import plan_meetings, plan_outcomes
from duos.demo.people import Namer, Person, demo_mentor, make_mentee, make_mentor
from duos.demo.profiles import PROFILES, Profile
from duos.demo.published import seed_published
from duos.demo.structure import seed_fundings, seed_organisations, seed_programmes
from duos.demo.sync import Tally
from duos.demo.timeline import (
    DAY,
    Context,
    DuoPlan,
    assign_coaches,
    assign_mentors,
    end_reasons,
    entry_date,
    mentee_fates,
    mentor_entry,
    mentor_fates,
    score,
    settle_mentee,
    settle_mentor,
    trajectory,
)
from duos.demo.write import write_activity, write_duos, write_people
from programmes.models import Programme
from programmes.services.rules import rules_current, rules_record

SEED = 2026


def _plan_mentors(ctx: Context, namer: Namer, profile: Profile, programme) -> list[Person]:
    mentors = []
    if profile.demo_mentor:
        mentors.append(demo_mentor(ctx.rng, namer, profile, entry=ctx.start - 200 * DAY))
    fates = mentor_fates(ctx.rng, profile.mentors - len(mentors))
    for n, fate in enumerate(fates, start=len(mentors) + 1):
        entry = mentor_entry(ctx, fate)
        mentors.append(
            make_mentor(
                ctx.rng, namer, profile, programme, n=n, fate=fate, entry=entry, today=ctx.today
            )
        )
    return mentors


def _plan_mentees(ctx: Context, namer: Namer, profile: Profile, programme, demo):
    fates = mentee_fates(ctx.rng, profile.mentees, demo_mentor=demo is not None)
    reasons = end_reasons(ctx.rng, fates.count("done"))
    mentees, plans = [], []
    for n, fate in enumerate(fates, start=1):
        duos = trajectory(ctx, fate, reasons, demo)
        entry = entry_date(ctx, fate, duos)
        mentee = make_mentee(
            ctx.rng, namer, profile, programme, n=n, fate=fate, entry=entry, today=ctx.today
        )
        for plan in duos:
            plan.mentee = mentee
        mentees.append(mentee)
        plans += duos
    return mentees, plans


def _settle(ctx: Context, mentees: list[Person], mentors: list[Person], plans: list[DuoPlan]):
    by_mentee, by_mentor = defaultdict(list), defaultdict(list)
    for plan in plans:
        by_mentee[plan.mentee.ref].append(plan)
        by_mentor[plan.mentor.ref].append(plan)
    for mentee in mentees:
        settle_mentee(ctx.rng, mentee, by_mentee[mentee.ref], ctx.today)
    for mentor in mentors:
        settle_mentor(ctx.rng, mentor, by_mentor[mentor.ref], ctx.today)


def plan_programme(
    rng: random.Random, namer: Namer, profile: Profile, programme: Programme, today: dt.date
) -> tuple[list[Person], list[DuoPlan]]:
    """The programme's people (mentors first) and duos, with meetings and outcomes."""
    start = profile.history_start(today=today, programme_start=programme.starts_on)
    ctx = Context(rng, today, start, programme.duo_length_weeks)
    mentors = _plan_mentors(ctx, namer, profile, programme)
    demo = mentors[0] if profile.demo_mentor else None
    mentees, plans = _plan_mentees(ctx, namer, profile, programme, demo)
    plans = assign_mentors(rng, plans, mentors)
    _settle(ctx, mentees, mentors, plans)
    if profile.coach_account:
        assign_coaches(rng, plans, account=profile.coach_account)
    for plan in plans:
        score(plan, rng)
        if plan.started_on:
            plan_meetings(ctx, plan, profile, programme.expected_interval_days)
        if plan.ended_on:
            plan_outcomes(ctx, plan, profile, programme.follow_up_months)
    return mentors + mentees, plans


def seed(*, today: dt.date, password: str) -> Tally:
    """Create or refresh the demo data; returns what was created, updated and deleted.

    The audit log is off while seeding: these rows are not changes anyone made,
    and a trail of thousands of "created" entries without an actor would only
    bury the real history."""
    rng, tally = random.Random(SEED), Tally()
    with transaction.atomic(), disable_auditlog():
        organisations = seed_organisations(tally)
        programmes = seed_programmes(tally, today=today, organisations=organisations)
        seed_fundings(tally, today=today, organisations=organisations, programmes=programmes)
        users = seed_accounts(
            tally, password=password, organisations=organisations, programmes=programmes
        )
        namer = Namer(rng)
        for profile in PROFILES:
            programme = programmes[profile.slug]
            people, plans = plan_programme(rng, namer, profile, programme, today)
            rows = write_people(tally, programme, people, users)
            # The demo's duos ran under the programme's rules as they are now.
            rules = rules_record(None, programme=programme) or rules_current(programme)
            written = write_duos(tally, programme, plans, rows, users, rules=rules)
            recorder = users.get(profile.recorder_account)
            write_activity(tally, written, users=users, recorder=recorder)
        seed_published(tally, programmes=programmes, today=today)
    return tally
