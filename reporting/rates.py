"""Outcome figures of a programme (DESIGN.md "Outcome categories and rates").

The counting unit is the trajectory: one per mentee and programme, made of all
that mentee's duos there. Its cohort is the year its first duo started; its
last duo (latest start) decides the rest:
- last duo still active: in no denominator yet;
- ``started``: every trajectory whose last duo ended (any reason);
- ``completed``: those whose last duo ended completed or goal_reached;
- the outcome at a point is the last duo's; none recorded counts as unknown.

The figures come from one query per programme: every trajectory's last
duo, found with window functions in one pass over the programme's duos (the
rank of each duo's start within its mentee's duos, and the mentee's first
start for the cohort), with its outcomes joined, counted per cohort and
combination of breakdown values (conditional counts). All cohorts, each cohort
and each breakdown are sums of those counts, so the number of queries does not
grow with the data. (Correlated subqueries for each mentee's first and last
duo made this 3.9 times slower than the same SQL with window functions,
bench/rates.py.)
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, ExtractYear, Rank
from django.utils import timezone

from duos.models import Duo, EndReason, Meeting, OutcomeStatus
from programmes.models import Programme

STATUSES = list(OutcomeStatus.values)  # employed … unknown, in the contract's order
GROUPS = {
    "employed": ("employed", "self_employed"),
    "training": ("training", "studies"),
    "internship": ("internship",),
    "positive": ("employed", "self_employed", "training", "studies", "internship"),
    "still_searching": ("still_searching",),
    "other": ("inactive", "unknown"),
}
POINTS = ("exit", "follow_up")
DENOMINATORS = ("completed", "started")
COMPLETED = (EndReason.COMPLETED, EndReason.GOAL_REACHED)


def last_duos(programme: Programme) -> QuerySet[Duo]:
    """Each trajectory's last duo, ended, with its cohort and outcome statuses.

    The outcomes are LEFT JOINs (FilteredRelation), not subqueries: the
    conditional counts then read plain columns instead of re-running a
    subquery per count and per row."""
    started = Duo.objects.filter(programme=programme, started_on__isnull=False)
    # A mentee belongs to one programme, so all their duos are this programme's:
    # the correlated lookups need only (mentee, started_on), an indexed pair.
    mentee_duos = Duo.objects.filter(mentee_id=OuterRef("mentee_id"), started_on__isnull=False)
    later = mentee_duos.filter(started_on__gt=OuterRef("started_on"))
    first_start = (
        mentee_duos.order_by().values("mentee_id").annotate(first=Min("started_on")).values("first")
    )
    return (
        started.filter(status=Duo.Status.ENDED)
        .exclude(Exists(later.order_by()))
        .annotate(
            exit_outcome=FilteredRelation("outcomes", condition=Q(outcomes__point="exit")),
            follow_up_outcome=FilteredRelation(
                "outcomes", condition=Q(outcomes__point="follow_up")
            ),
        )
        .annotate(
            cohort=ExtractYear(Subquery(first_start)),
            exit_status=Coalesce("exit_outcome__status", Value("unknown")),
            follow_up_status=Coalesce("follow_up_outcome__status", Value("unknown")),
        )
    )


def ranked_duos(programme: Programme) -> QuerySet[Duo]:
    """The programme's started duos, each with ``latest`` (1 for its mentee's last
    duo: the latest start, ties included) and ``cohort`` (the year of its
    mentee's first start), both window functions over the mentee's duos, and its
    outcome statuses (LEFT JOINs). The same trajectories as ``last_duos``, in
    one pass instead of two correlated subqueries per duo.

    Filtering ``latest=1`` keeps the last duos; their status must be checked
    after the window (a filter on ``status`` would run before it)."""
    mentee = F("mentee_id")
    return (
        # The mentee's programme too (it is the duo's): the join then reads the
        # programme's mentees by index instead of scanning every mentee.
        Duo.objects.filter(
            programme=programme, mentee__programme=programme, started_on__isnull=False
        )
        .annotate(
            exit_outcome=FilteredRelation("outcomes", condition=Q(outcomes__point="exit")),
            follow_up_outcome=FilteredRelation(
                "outcomes", condition=Q(outcomes__point="follow_up")
            ),
        )
        .annotate(
            latest=Window(Rank(), partition_by=mentee, order_by=F("started_on").desc()),
            cohort=ExtractYear(Window(Min("started_on"), partition_by=mentee)),
            exit_status=Coalesce("exit_outcome__status", Value("unknown")),
            follow_up_status=Coalesce("follow_up_outcome__status", Value("unknown")),
        )
        .order_by()
    )


def grouped_counts(programme: Programme, *, today: dt.date) -> list[dict]:
    """One query: every conditional count per cohort and combination of the
    breakdown dimensions (gender, age band, education level, migration
    background), over the last duos of ``ranked_duos``. Every figure is a sum
    of these rows.

    Django cannot group the rows of a query filtered on a window function (it
    would group before the window), so the conditional counts wrap the ORM's
    SQL of the last duos: which duo counts is written once, in
    ``ranked_duos``; only the counting is spelled out here."""
    cutoff = today - relativedelta(months=programme.follow_up_months)
    fields = list(DIMENSIONS.values())
    last = ranked_duos(programme).filter(latest=1).values("status", "cohort", *fields, *_COUNTED)
    inner, inner_params = last.query.sql_with_params()
    columns, params = [], []
    for denominator in DENOMINATORS:
        completed = list(COMPLETED) if denominator == "completed" else []
        where = f"end_reason IN ({', '.join(['%s'] * len(completed))})" if completed else "1 = 1"
        columns.append(f'COUNT(*) FILTER (WHERE {where}) AS "n|{denominator}"')
        columns.append(
            f'COUNT(*) FILTER (WHERE {where} AND ended_on > %s) AS "early|{denominator}"'
        )
        params += [*completed, *completed, cutoff]
        for point in POINTS:
            for status in STATUSES:
                columns.append(
                    f"COUNT(*) FILTER (WHERE {where} AND {point}_status = %s) "
                    f'AS "{point}|{denominator}|{status}"'
                )
                params += [*completed, status]
    keys = ", ".join(f'"{f}"' for f in ["cohort", *fields])
    sql = (
        f"SELECT {keys}, {', '.join(columns)} FROM ({inner}) last_duos "
        f"WHERE status = %s GROUP BY {keys} ORDER BY {keys}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *inner_params, Duo.Status.ENDED])
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    background = DIMENSIONS["migration_background"]
    for row in rows:  # raw SQL: no field converters (PostgreSQL's EXTRACT is numeric)
        row["cohort"] = int(row["cohort"])
        if row[background] is not None:
            row[background] = bool(row[background])
    return rows


# The columns of a last duo the counts read (besides its status, cohort and dimensions).
_COUNTED = ("end_reason", "ended_on", "exit_status", "follow_up_status")


def cohort_counts(programme: Programme, *, today: dt.date, grouped=None) -> dict[int, dict]:
    """Per cohort year, every conditional count."""
    grouped = grouped if grouped is not None else grouped_counts(programme, today=today)
    per_cohort: dict[int, dict] = {}
    for row in grouped:
        _add(per_cohort.setdefault(row["cohort"], {}), row)
    return per_cohort


def _add(into: dict, row: dict) -> None:
    for key, value in row.items():
        if "|" in key:  # a count, not a group key
            into[key] = into.get(key, 0) + value


def _row(counts: dict, *, point: str, denominator: str) -> dict:
    n = counts.get(f"n|{denominator}", 0)
    by_status = {s: counts.get(f"{point}|{denominator}|{s}", 0) for s in STATUSES}
    rates = {
        group: (sum(by_status[s] for s in members) / n if n else None)
        for group, members in GROUPS.items()
    }
    provisional = point == "follow_up" and counts.get(f"early|{denominator}", 0) > 0
    return {
        "n": n,
        "counts": by_status,
        "rates": rates,
        "unknown_share": by_status["unknown"] / n if n else None,
        "provisional": provisional,
    }


def _sum(per_cohort: dict[int, dict]) -> dict:
    total: dict[str, int] = {}
    for counts in per_cohort.values():
        for key, value in counts.items():
            total[key] = total.get(key, 0) + value
    return total


def programme_rows(
    programme: Programme, *, today: dt.date | None = None, grouped=None
) -> list[dict]:
    """Every figure of the programme: all cohorts (cohort None) then each year,
    each point (exit, follow_up) and denominator (completed, started)."""
    today = today or timezone.localdate()
    per_cohort = cohort_counts(programme, today=today, grouped=grouped)
    rows = []
    for cohort, counts in [(None, _sum(per_cohort)), *sorted(per_cohort.items())]:
        for point in POINTS:
            for denominator in DENOMINATORS:
                row = {"cohort": cohort, "point": point, "denominator": denominator}
                rows.append({**row, **_row(counts, point=point, denominator=denominator)})
    return rows


def public_rows(programme: Programme, rows: list[dict], computed_at: dt.datetime) -> list[dict]:
    """Rows in the public format: programme first, computed_at last (local time)."""
    stamp = timezone.localtime(computed_at).isoformat(timespec="seconds")
    return [{"programme": programme.slug, **row, "computed_at": stamp} for row in rows]


# --- breakdowns and activity (for the dashboards) -------------------------------------

DIMENSIONS = {
    "gender": "mentee__gender",
    "age_band": "mentee__age_band_at_entry",
    "education_level": "mentee__education_level",
    "migration_background": "mentee__migration_background",
}


def _value(raw) -> str:
    if raw is None or raw == "":
        return "not_recorded"
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    return str(raw)


def breakdown_rows(programme: Programme, *, today: dt.date, grouped=None) -> list[dict]:
    """Per dimension, cohort and value: the same rows as ``programme_rows``.
    Migration background is in the snapshot for coordinators; funder screens
    never show it."""
    grouped = grouped if grouped is not None else grouped_counts(programme, today=today)
    sums: dict[tuple, dict] = {}
    for row in grouped:
        for dimension, field in DIMENSIONS.items():
            _add(sums.setdefault((dimension, row["cohort"], _value(row[field])), {}), row)
    rows = []
    for (dimension, cohort, value), counts in sorted(
        sums.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])
    ):
        for point in POINTS:
            for denominator in DENOMINATORS:
                row = {"dimension": dimension, "value": value, "cohort": cohort}
                row |= {"point": point, "denominator": denominator}
                rows.append(row | _row(counts, point=point, denominator=denominator))
    return rows


def activity_rows(programme: Programme) -> list[dict]:
    """Per calendar year: duos started and meetings held (two grouped queries)."""
    started = (
        Duo.objects.filter(programme=programme, started_on__isnull=False)
        .annotate(year=ExtractYear("started_on"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    meetings = (
        Meeting.objects.filter(duo__programme=programme)
        .annotate(year=ExtractYear("duo__started_on"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    years: dict[int, dict] = {}
    for row in started:
        years.setdefault(row["year"], {"year": row["year"], "duos_started": 0, "meetings": 0})
        years[row["year"]]["duos_started"] = row["n"]
    for row in meetings:
        years.setdefault(row["year"], {"year": row["year"], "duos_started": 0, "meetings": 0})
        years[row["year"]]["meetings"] = row["n"]
    return [years[y] for y in sorted(years)]
