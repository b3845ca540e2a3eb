"""Benchmark of the rates engine on PostgreSQL: 100,000 duos and 200,000 outcomes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/duo .venv/bin/python bench/rates.py

It creates (and afterwards drops) a database `<name>_bench`, fills it with
10 programmes of synthetic trajectories (10 % re-matched after an early end),
then times, in the same run: recomputing every programme's snapshot (the
Celery job's work), the fastest SQL for the same figures (the baseline: window
functions, one pass per programme) and the older bare SQL with correlated
subqueries. Asserts that the engine's grouped rows equal the baseline's, and
prints the times and the engine's ratio to the baseline (target: within 2×)."""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

from dateutil.relativedelta import relativedelta

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-real-site")
os.environ.setdefault("RESEARCH_ID_KEY", "bench-only-research-key-not-for-any-export")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

import environ  # noqa: E402

BASE_URL = os.environ.get("DATABASE_URL", "")
if not BASE_URL.startswith(("postgres://", "postgresql://")):
    sys.exit("bench/rates.py needs DATABASE_URL pointing to PostgreSQL.")
BENCH_DB = environ.Env.db_url_config(BASE_URL)["NAME"] + "_bench"
os.environ["DATABASE_URL"] = BASE_URL.rsplit("/", 1)[0] + "/" + BENCH_DB

N_PROGRAMMES, N_DUOS = 10, 100_000
STATUSES = [
    "employed",
    "self_employed",
    "training",
    "studies",
    "internship",
    "still_searching",
    "inactive",
]
WEIGHTS = [40, 5, 10, 5, 8, 25, 7]


def recreate_database() -> None:
    import psycopg

    admin = BASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin.replace("postgresql://", "postgres://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def drop_database() -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    admin = BASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')


def _mentee(rng: random.Random, programme, i: int):
    """A mentee with every breakdown dimension filled, as real data has them."""
    from django.utils import timezone

    from duos.models import Mentee

    consent = rng.random() < 0.7
    return Mentee(
        programme=programme,
        ref=f"M{i}",
        first_name="x",
        uuid=uuid.uuid4(),
        gender=rng.choice(["female", "male", "non_binary", "not_stated"]),
        age_band_at_entry=rng.choice(["under_25", "25_54", "over_54", ""]),
        education_level=rng.choice(["isced_0_2", "isced_3_4", "isced_5_8", ""]),
        special_consent_at=timezone.now() if consent else None,
        migration_background=rng.random() < 0.6 if consent else None,
    )


def fill(n_programmes: int = N_PROGRAMMES, n_duos: int = N_DUOS) -> None:
    from duos.models import Duo, Mentee, Mentor, Outcome
    from programmes.models import Organisation, Programme

    rng = random.Random(7)
    operator = Organisation.objects.create(name="Bench", slug="bench", kind="operator")
    programmes = [
        Programme.objects.create(
            operator=operator,
            name=f"P{i}",
            slug=f"p{i}",
            region="brussels",
            starts_on=dt.date(2015, 1, 1),
        )
        for i in range(n_programmes)
    ]
    per_programme = n_duos // n_programmes
    for programme in programmes:
        n_mentees = int(per_programme / 1.1)
        mentees = Mentee.objects.bulk_create(
            [
                Mentee(programme=programme, ref=f"M{i}", first_name="x", uuid=uuid.uuid4())
                for i in range(n_mentees)
            ],
            batch_size=5000,
        )
        mentors = Mentor.objects.bulk_create(
            [
                Mentor(
                    programme=programme, ref=f"T{i}", first_name="y", capacity=2, uuid=uuid.uuid4()
                )
                for i in range(n_mentees // 2)
            ],
            batch_size=5000,
        )
        duos = []
        for k in range(per_programme):
            mentee = mentees[k % n_mentees]
            second = k >= n_mentees
            start = dt.date(2016 + rng.randrange(9), 1 + rng.randrange(12), 1 + rng.randrange(28))
            if second:
                start = dt.date(2025, 6, 1) + dt.timedelta(days=k % 300)
            ended = rng.random() < 0.93 or not second
            end = start + dt.timedelta(days=rng.randrange(60, 200)) if ended else None
            reason = rng.choices(
                ["completed", "goal_reached", "mentee_withdrew", "mismatch"], [70, 10, 12, 8]
            )[0]
            if end and end > dt.date(2026, 11, 1):
                end = dt.date(2026, 11, 1)
            duos.append(
                Duo(
                    programme=programme,
                    mentee=mentee,
                    mentor=mentors[k % len(mentors)],
                    uuid=uuid.uuid4(),
                    status="ended" if end else "active",
                    started_on=start,
                    ended_on=end,
                    end_reason=reason if end else "",
                )
            )
        duos = Duo.objects.bulk_create(duos, batch_size=5000)
        outcomes = []
        for duo in duos:
            if duo.ended_on:
                for point in ("exit", "follow_up"):
                    status = rng.choices(STATUSES, WEIGHTS)[0]
                    outcomes.append(
                        Outcome(
                            duo=duo,
                            point=point,
                            date=duo.ended_on,
                            status=status,
                            source="coordinator",
                            uuid=uuid.uuid4(),
                        )
                    )
        Outcome.objects.bulk_create(outcomes, batch_size=5000)


def fill_small(n: int):
    """One more programme with ``n`` duos (ended, with outcomes)."""
    from duos.models import Duo, Mentee, Mentor, Outcome
    from programmes.models import Organisation, Programme

    operator = Organisation.objects.get(slug="bench")
    programme = Programme.objects.create(
        operator=operator,
        name="Small",
        slug="small",
        region="brussels",
        starts_on=dt.date(2015, 1, 1),
    )
    mentor = Mentor.objects.create(programme=programme, ref="T", first_name="y", capacity=2)
    for k in range(n):
        mentee = Mentee.objects.create(programme=programme, ref=f"S{k}", first_name="x")
        start = dt.date(2018 + k % 6, 1 + k % 12, 1)
        duo = Duo.objects.create(
            programme=programme,
            mentee=mentee,
            mentor=mentor,
            status="ended",
            started_on=start,
            ended_on=start + dt.timedelta(days=180),
            end_reason="completed",
        )
        Outcome.objects.create(
            duo=duo, point="exit", date=duo.ended_on, status=STATUSES[k % 7], source="coordinator"
        )
    return programme


BARE_SQL = """
WITH t AS (
  SELECT d.end_reason, d.ended_on,
         EXTRACT(YEAR FROM (SELECT MIN(f.started_on) FROM duos_duo f
                            WHERE f.mentee_id = d.mentee_id
                              AND f.started_on IS NOT NULL)) AS cohort,
         m.gender, m.age_band_at_entry, m.education_level, m.migration_background,
         COALESCE(x.status, 'unknown') AS exit_status,
         COALESCE(u.status, 'unknown') AS follow_up_status
  FROM duos_duo d
  JOIN duos_mentee m ON m.id = d.mentee_id
  LEFT JOIN duos_outcome x ON x.duo_id = d.id AND x.point = 'exit'
  LEFT JOIN duos_outcome u ON u.duo_id = d.id AND u.point = 'follow_up'
  WHERE d.programme_id = %s AND d.status = 'ended' AND d.started_on IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM duos_duo l
                    WHERE l.mentee_id = d.mentee_id AND l.started_on > d.started_on)
)
SELECT cohort, gender, age_band_at_entry, education_level, migration_background,
       COUNT(*) AS n_started,
       COUNT(*) FILTER (WHERE end_reason IN ('completed', 'goal_reached')) AS n_completed,
       COUNT(*) FILTER (WHERE ended_on > %s) AS early_started,
       {columns}
FROM t GROUP BY cohort, gender, age_band_at_entry, education_level, migration_background
ORDER BY 1, 2, 3, 4, 5
"""


# The fastest SQL for the same figures: one pass per programme. Each mentee's
# last duo (rank 1 by start, ties included) and first start (the cohort) come
# from window functions over the programme's duos, not correlated subqueries.
WINDOW_SQL = """
WITH ranked AS (
  SELECT d.id, d.mentee_id, d.status, d.end_reason, d.ended_on,
         RANK() OVER (PARTITION BY d.mentee_id ORDER BY d.started_on DESC) AS latest,
         MIN(d.started_on) OVER (PARTITION BY d.mentee_id) AS first_start
  FROM duos_duo d
  WHERE d.programme_id = %s AND d.started_on IS NOT NULL
), t AS (
  SELECT d.end_reason, d.ended_on,
         EXTRACT(YEAR FROM d.first_start)::int AS cohort,
         m.gender, m.age_band_at_entry, m.education_level, m.migration_background,
         COALESCE(x.status, 'unknown') AS exit_status,
         COALESCE(u.status, 'unknown') AS follow_up_status
  FROM ranked d
  JOIN duos_mentee m ON m.id = d.mentee_id
  LEFT JOIN duos_outcome x ON x.duo_id = d.id AND x.point = 'exit'
  LEFT JOIN duos_outcome u ON u.duo_id = d.id AND u.point = 'follow_up'
  WHERE d.latest = 1 AND d.status = 'ended'
)
SELECT cohort, gender, age_band_at_entry, education_level, migration_background,
       COUNT(*) AS n_started,
       COUNT(*) FILTER (WHERE end_reason IN ('completed', 'goal_reached')) AS n_completed,
       COUNT(*) FILTER (WHERE ended_on > %s) AS early_started,
       {columns}
FROM t GROUP BY cohort, gender, age_band_at_entry, education_level, migration_background
ORDER BY 1, 2, 3, 4, 5
"""


def _columns() -> str:
    return ",\n".join(
        f"COUNT(*) FILTER (WHERE {point}_status = '{s}'{extra}) AS \"{point}|{den}|{s}\""
        for point in ("exit", "follow_up")
        for den, extra in (
            ("started", ""),
            ("completed", " AND end_reason IN ('completed','goal_reached')"),
        )
        for s in [*STATUSES, "unknown"]
    )


def window_sql(programme_ids: list[int], *, rows: dict | None = None) -> float:
    """The window-function baseline; ``rows`` collects each programme's rows."""
    from django.db import connection

    sql = WINDOW_SQL.format(columns=_columns())
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for pk in programme_ids:
            cursor.execute(sql, [pk, dt.date(2026, 5, 23)])
            result = cursor.fetchall()
            if rows is not None:
                names = [c.name for c in cursor.description]
                rows[pk] = [dict(zip(names, r, strict=True)) for r in result]
    return time.perf_counter() - started


def _status_counts(row: dict) -> tuple:
    return tuple(
        row[f"{p}|{d}|{s}"]
        for p in ("exit", "follow_up")
        for d in ("started", "completed")
        for s in [*STATUSES, "unknown"]
    )


def same_rows(programme_ids: list[int]) -> int:
    """Assert that the engine's grouped counts equal the window SQL's, row for row."""
    from programmes.models import Programme
    from reporting.rates import DIMENSIONS, grouped_counts

    baseline: dict = {}
    window_sql(programme_ids, rows=baseline)
    dims = list(DIMENSIONS.values())  # mentee__gender, …: the window SQL's columns unprefixed
    checked = 0
    for programme in Programme.objects.filter(pk__in=programme_ids):
        today = dt.date(2026, 5, 23) + relativedelta(months=programme.follow_up_months)
        mine = {
            (r["cohort"], *(r[d] for d in dims)): (
                r["n|started"],
                r["n|completed"],
                r["early|started"],
                *_status_counts(r),
            )
            for r in grouped_counts(programme, today=today)
        }
        theirs = {
            (r["cohort"], *(r[d.removeprefix("mentee__")] for d in dims)): (
                r["n_started"],
                r["n_completed"],
                r["early_started"],
                *_status_counts(r),
            )
            for r in baseline[programme.pk]
        }
        assert mine == theirs, f"{programme.slug}: the engine and the window SQL differ"
        checked += len(mine)
    return checked


def bare_sql(programme_ids: list[int]) -> float:
    from django.db import connection

    columns = ",\n".join(
        f"COUNT(*) FILTER (WHERE {point}_status = '{s}'{extra}) AS \"{point}|{den}|{s}\""
        for point in ("exit", "follow_up")
        for den, extra in (
            ("started", ""),
            ("completed", " AND end_reason IN ('completed','goal_reached')"),
        )
        for s in [*STATUSES, "unknown"]
    )
    sql = BARE_SQL.format(columns=columns)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for pk in programme_ids:
            cursor.execute(sql, [pk, dt.date(2026, 5, 23)])
            cursor.fetchall()
    return time.perf_counter() - started


def recompute_all() -> float:
    from programmes.models import Programme
    from reporting.services import snapshot_compute

    started = time.perf_counter()
    for programme in Programme.objects.order_by("pk"):
        snapshot_compute(programme=programme, trigger="bench")
    return time.perf_counter() - started


def main() -> None:
    recreate_database()
    import django
    from django.core.management import call_command

    django.setup()
    try:
        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        fill()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        from duos.models import Duo, Outcome
        from programmes.models import Programme

        print(
            f"data: {Duo.objects.count():,} duos, {Outcome.objects.count():,} outcomes, "
            f"{N_PROGRAMMES} programmes (filled in {time.perf_counter() - t0:.1f} s)"
        )
        ids = list(Programme.objects.values_list("pk", flat=True))
        recompute_all()  # warm-up
        bare_sql(ids)
        window_sql(ids)
        groups = same_rows(ids)
        print(f"engine and window SQL: the same {groups:,} grouped rows (asserted)")
        engine = [recompute_all() for _ in range(5)]
        bare = [bare_sql(ids) for _ in range(5)]
        window = [window_sql(ids) for _ in range(5)]
        e, b, w = (statistics.median(x) for x in (engine, bare, window))
        print("| measure (median of 5) | seconds |\n|---|---|")
        print(f"| recompute all programmes (snapshots) | {e:.3f} |")
        print(f"| window-function SQL, same figures (baseline) | {w:.3f} |")
        print(f"| correlated-subquery SQL, same figures | {b:.3f} |")
        print(f"| engine ÷ window SQL | {e / w:.2f}× |")
        ok = e < 5 and e <= 2 * w
        print("targets (under 5 s, within 2× the window SQL):", "met" if ok else "NOT met")
    finally:
        if os.environ.get("KEEP_BENCH_DB") != "1":
            drop_database()


if __name__ == "__main__":
    main()
