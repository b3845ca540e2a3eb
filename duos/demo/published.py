"""Past cohorts whose duo-level data reproduce the published figures (DESIGN.md):

- Team4Job, at exit: 171 duos started, 152 completed, 77 found work (69 employed,
  25 of them on a permanent contract, and 8 who restarted their own activity):
  77 / 152 = 50.66 % of the completed, 77 / 171 = 45.03 % of the started;
- DUO for a JOB, at follow-up (completed): 55 % employed, 19 % in training or an
  internship, 74 % positive, one in four still searching.

Their people get their own references (``<prefix>-H<year>-…``) so the rest of the
demo never touches them; no meetings are invented for them."""

from __future__ import annotations

import datetime as dt
import random

from dateutil.relativedelta import relativedelta

from duos.demo.people import Namer, make_mentee, make_mentor
from duos.demo.profiles import PROFILES
from duos.demo.sync import Tally, upsert
from duos.models import Duo, Mentee, Mentor, Outcome, PipelineStatus

# (end reason, exit status, exit contract, follow-up status, count)
TEAM4JOB_2019 = [
    ("goal_reached", "employed", "permanent", "employed", 15),
    ("completed", "employed", "permanent", "employed", 10),
    ("completed", "employed", "fixed_term", "employed", 30),
    ("completed", "employed", "temporary_agency", "still_searching", 14),
    ("completed", "self_employed", "", "self_employed", 8),
    ("completed", "training", "", "employed", 18),
    ("completed", "studies", "", "studies", 7),
    ("goal_reached", "internship", "", "employed", 12),
    ("completed", "still_searching", "", "still_searching", 33),
    ("completed", "", "", "", 5),  # not reachable: unknown
    ("mentee_withdrew", "still_searching", "", "", 11),
    ("mentor_withdrew", "", "", "", 3),
    ("mismatch", "still_searching", "", "", 5),
]
# 100 completed: follow-up 50 + 5 employed, 12 + 7 training or internship,
# 25 still searching, 1 inactive; plus 20 who stopped early.
DUO_FOR_A_JOB_2018 = [
    ("completed", "employed", "fixed_term", "employed", 30),
    ("goal_reached", "employed", "permanent", "employed", 12),
    ("completed", "still_searching", "", "employed", 8),
    ("completed", "self_employed", "", "self_employed", 5),
    ("completed", "training", "", "training", 12),
    ("goal_reached", "internship", "", "internship", 7),
    ("completed", "still_searching", "", "still_searching", 25),
    ("completed", "inactive", "", "inactive", 1),
    ("mentee_withdrew", "still_searching", "", "still_searching", 14),
    ("mismatch", "", "", "", 6),
]
COHORTS = {"team4job": (2019, TEAM4JOB_2019), "duo-for-a-job": (2018, DUO_FOR_A_JOB_2018)}


def _rows(spec):
    for reason, exit_status, contract, follow_up, count in spec:
        for _ in range(count):
            yield reason, exit_status, contract, follow_up


def _mentors(tally, rng, namer, profile, programme, year, today, n) -> list[Mentor]:
    mentors = []
    for k in range(1, n + 1):
        person = make_mentor(
            rng,
            namer,
            profile,
            programme,
            n=k,
            fate="done",
            entry=dt.date(year - 1, 9, 1),
            today=today,
        )
        values = {**person.values, "status": PipelineStatus.DONE}
        values.pop("user", None)
        ref = f"{profile.prefix}-H{year}-MR-{k:02d}"
        mentors.append(
            upsert(Mentor, tally, key={"programme": programme, "ref": ref}, values=values)
        )
    return mentors


def _duo(tally, programme, mentee, mentor, *, start, reason, length_days) -> Duo:
    end = start + dt.timedelta(days=length_days if reason in ("completed", "goal_reached") else 60)
    return upsert(
        Duo,
        tally,
        key={"mentee": mentee, "started_on": start},
        values={
            "programme": programme,
            "mentor": mentor,
            "status": Duo.Status.ENDED,
            "proposed_on": start - dt.timedelta(days=14),
            "planned_end_on": start + dt.timedelta(weeks=programme.duo_length_weeks),
            "ended_on": end,
            "end_reason": reason,
        },
    )


def _outcome(tally, duo, point, status, contract, on):
    if not status:  # none recorded: counts as unknown
        tally.delete(Outcome.objects.filter(duo=duo, point=point))
        return
    upsert(
        Outcome,
        tally,
        key={"duo": duo, "point": point},
        values={"date": on, "status": status, "contract_type": contract, "source": "coordinator"},
    )


def seed_published(tally: Tally, *, programmes: dict, today: dt.date) -> None:
    rng = random.Random(1852)  # independent of the rest of the demo
    namer = Namer(rng)
    for profile in PROFILES:
        if profile.slug not in COHORTS:
            continue
        year, spec = COHORTS[profile.slug]
        programme = programmes[profile.slug]
        mentors = _mentors(tally, rng, namer, profile, programme, year, today, n=40)
        for n, (reason, exit_status, contract, follow_up) in enumerate(_rows(spec), start=1):
            person = make_mentee(
                rng,
                namer,
                profile,
                programme,
                n=n,
                fate="done",
                entry=dt.date(year - 1, 11, 1),
                today=today,
            )
            ref = f"{profile.prefix}-H{year}-ME-{n:03d}"
            values = {**person.values, "status": PipelineStatus.DONE}
            mentee = upsert(Mentee, tally, key={"programme": programme, "ref": ref}, values=values)
            start = dt.date(year, 1, 7) + dt.timedelta(days=(n * 3) % 330)
            duo = _duo(
                tally,
                programme,
                mentee,
                mentors[n % len(mentors)],
                start=start,
                reason=reason,
                length_days=programme.duo_length_weeks * 7,
            )
            _outcome(tally, duo, "exit", exit_status, contract, duo.ended_on)
            follow_up_on = duo.ended_on + relativedelta(months=programme.follow_up_months)
            _outcome(
                tally,
                duo,
                "follow_up",
                follow_up,
                contract if follow_up == "employed" else "",
                follow_up_on,
            )
