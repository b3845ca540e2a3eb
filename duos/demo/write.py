"""Writing one programme's planned people, duos, meetings and outcomes.

Participants are keyed on (programme, ref), duos on (mentee, started_on) — or
(mentee, mentor) while not started —, meetings on (duo, date) and outcomes on
(duo, point). The seeded mentees' duos, and the seeded duos' meetings and
outcomes, become exactly the plan: rows left over from a run on an earlier day
are deleted first, so the one-active-duo rule never trips."""

from __future__ import annotations

import datetime as dt

from duos.demo.people import Person, aware
from duos.demo.sync import Tally, sync_rows, upsert
from duos.demo.timeline import DuoPlan
from duos.models import Duo, Meeting, Mentee, Mentor, Outcome
from programmes.models import Programme


def write_people(tally: Tally, programme: Programme, people: list[Person], users) -> dict:
    """ref → Mentee or Mentor row."""
    rows = {}
    for person in people:
        values = person.values | {
            "status": person.status,
            "status_changed_at": aware(person.status_on, 9),
            "withdrawal_reason": person.withdrawal_reason,
        }
        if person.kind == "mentee":
            model, values["waiting_since"] = Mentee, person.waiting_since
        else:
            model = Mentor
            if person.account:  # other mentors' accounts are left as they are
                values["user"] = users[person.account]
        key = {"programme": programme, "ref": person.ref}
        rows[person.ref] = upsert(model, tally, key=key, values=values)
    return rows


def _key(plan: DuoPlan, rows: dict) -> tuple:
    mentee = rows[plan.mentee.ref].pk
    if plan.started_on:
        return (mentee, plan.started_on)
    return (mentee, None, rows[plan.mentor.ref].pk)


def _delete_stale_duos(tally: Tally, plans: list[DuoPlan], rows: dict) -> None:
    planned = {_key(plan, rows) for plan in plans}
    mentees = [row.pk for row in rows.values() if isinstance(row, Mentee)]
    stale = [
        pk
        for pk, mentee, mentor, started_on in Duo.objects.filter(mentee__in=mentees).values_list(
            "pk", "mentee_id", "mentor_id", "started_on"
        )
        if ((mentee, started_on) if started_on else (mentee, None, mentor)) not in planned
    ]
    if stale:
        tally.delete(Duo.objects.filter(pk__in=stale))


def _duo_values(plan: DuoPlan, programme: Programme, rows: dict, users) -> dict:
    planned_end = None
    if plan.started_on:
        planned_end = plan.started_on + dt.timedelta(weeks=programme.duo_length_weeks)
    return {
        "programme": programme,
        "mentor": rows[plan.mentor.ref],
        "coach": users[plan.coach] if plan.coach else None,
        "status": plan.status,
        "proposed_on": plan.proposed_on,
        "planned_end_on": planned_end,
        "ended_on": plan.ended_on,
        "end_reason": plan.end_reason,
        "decline_reason": plan.decline_reason,
        "match_score": plan.score,
        "score_components": plan.components,
    }


def write_duos(
    tally: Tally, programme: Programme, plans: list[DuoPlan], rows: dict, users, *, rules=None
):
    """[(plan, Duo row)], each mentee's duos written in the order they happened,
    under the rules version ``rules``."""
    _delete_stale_duos(tally, plans, rows)
    written = []
    for plan in sorted(plans, key=lambda p: (p.mentee.ref, p.started_on or p.proposed_on)):
        key = {"mentee": rows[plan.mentee.ref], "started_on": plan.started_on}
        if not plan.started_on:
            key["mentor"] = rows[plan.mentor.ref]
        values = _duo_values(plan, programme, rows, users) | {"rules_version": rules}
        written.append((plan, upsert(Duo, tally, key=key, values=values)))
    return written


def write_activity(tally: Tally, written: list[tuple[DuoPlan, Duo]], *, users, recorder) -> None:
    """Meetings (logged by the mentor's account, if any) and outcomes of the duos."""
    meetings, outcomes = {}, {}
    for plan, duo in written:
        logged_by = users[plan.mentor.account] if plan.mentor.account else None
        for row in plan.meetings:
            meetings[(duo.pk, row["date"])] = row | {"duo": duo, "logged_by": logged_by}
        for point, row in plan.outcomes.items():
            outcomes[(duo.pk, point)] = row | {"duo": duo, "point": point, "recorded_by": recorder}
    duos = [duo.pk for _plan, duo in written]
    sync_rows(
        Meeting,
        tally,
        existing=Meeting.objects.filter(duo__in=duos),
        key=lambda m: (m.duo_id, m.date),
        planned=meetings,
    )
    sync_rows(
        Outcome,
        tally,
        existing=Outcome.objects.filter(duo__in=duos),
        key=lambda o: (o.duo_id, o.point),
        planned=outcomes,
    )
