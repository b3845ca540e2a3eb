"""A national service's data set in its own PostgreSQL database, for the load test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/duo .venv/bin/python bench/scale_data.py
    .venv/bin/python bench/scale_data.py --size 0.1 --db duo_scale_small

Creates the database ``duo_scale`` (``--db``; dropped and recreated when it
exists), runs ``migrate`` and ``createcachetable``, then loads with COPY
(psycopg 3 ``cursor.copy``) and one server-side bulk INSERT for the meetings:

- 10 organisations (8 operators, 2 funders) running 50 programmes;
- at ``--size 1``: 100,000 mentees, 60,000 mentors, 100,000 duos (10 % of the
  mentees re-matched after an early end), 2,000,000 meetings (a few duos with
  500 each, for the duo page), 200,000 outcomes;
- user accounts for every role: per programme one coordinator, two coaches and
  20 mentors with an account; two funders and two evaluators per funder
  organisation. Every account has the password printed at the end, and the
  e-mail addresses follow a pattern bench/load.py knows
  (``coordinator-<n>@scale.invalid``, ``coach-<n>-<k>@…``, ``mentor-<n>-<k>@…``,
  ``funder-<n>@…``);
- finally a rate snapshot per programme (the dashboards read snapshots).

Prints what it loaded and how long each step took.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-real-site-0123456789")
os.environ.setdefault("RESEARCH_ID_KEY", "bench-only-research-key-not-for-any-export-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

PASSWORD = "scale-bench-password-2026"
EMAIL_DOMAIN = "scale.invalid"
N_ORGS, N_FUNDER_ORGS, N_PROGRAMMES = 10, 2, 50
MENTOR_ACCOUNTS_PER_PROGRAMME = 20
HEAVY_DUOS = 20  # duos with 500 meetings each (the duo page's worst case)
TODAY = dt.date(2026, 11, 30)

STATUSES = [
    "employed",
    "self_employed",
    "training",
    "studies",
    "internship",
    "still_searching",
    "inactive",
    "unknown",
]
STATUS_WEIGHTS = [38, 5, 10, 5, 8, 22, 7, 5]
REASONS = ["completed", "goal_reached", "mentee_withdrew", "mentor_withdrew", "mismatch"]
REASON_WEIGHTS = [62, 13, 12, 5, 8]
GENDERS = ["female", "male", "non_binary", "not_stated"]
AGE_BANDS = ["under_25", "25_54", "over_54", ""]
EDUCATION = ["isced_0_2", "isced_3_4", "isced_5_8", ""]
LANGS = [["fr"], ["nl"], ["fr", "en"], ["nl", "en"], ["fr", "nl"]]
SECTORS = ["logistics", "retail", "it", "care", "construction", "hospitality", "admin"]
FIRST = ["Amina", "Youssef", "Sara", "Mohamed", "Lena", "Karim", "Fatima", "Jonas", "Ines", "Omar"]
LAST = ["Peeters", "El Idrissi", "Dubois", "Janssens", "Benali", "Maes", "Diallo", "Claes"]


def urls(db: str) -> tuple[str, str]:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/duo")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/scale_data.py needs DATABASE_URL pointing to PostgreSQL.")
    server = base.rsplit("/", 1)[0]
    return server + "/postgres", server + "/" + db


def recreate_database(admin_url: str, db: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [db]
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
        conn.execute(f'CREATE DATABASE "{db}"')


class Loader:
    """COPY rows into a model's table, filling the columns not given with the
    field's default; ids are handed out here so that rows can refer to each other."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.next_id: dict[str, int] = {}
        self.counts: dict[str, int] = {}

    def ids(self, model, n: int) -> range:
        table = model._meta.db_table
        start = self.next_id.get(table, 1)
        self.next_id[table] = start + n
        return range(start, start + n)

    def copy(self, model, rows) -> int:
        from django.db.models import JSONField

        now = dt.datetime.now(dt.UTC)
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return 0
        rows = itertools.chain([first], rows)
        # An auto id not given is left to its sequence (the many-to-many tables).
        fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.attname in first]
        names = [f.column for f in fields]
        table = model._meta.db_table
        n = 0
        columns = ", ".join(f'"{c}"' for c in names)
        with self.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                values = []
                for f in fields:
                    if f.attname in row:
                        value = row[f.attname]
                    elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                        value = now
                    elif f.has_default():
                        value = f.get_default()
                    elif f.null:
                        value = None
                    elif f.blank:
                        value = ""
                    else:
                        raise ValueError(f"{table}.{f.column}: no value and no default")
                    if isinstance(f, JSONField) and value is not None:
                        value = json.dumps(value)
                    values.append(value)
                copy.write_row(values)
                n += 1
        self.counts[table] = self.counts.get(table, 0) + n
        return n

    def fix_sequences(self) -> None:
        for table in self.next_id:
            self.cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
            )


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days)))


def load(size: float, cursor) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from duos.models import Duo, Mentee, Mentor, Outcome
    from programmes.models import Funding, Membership, Organisation, Programme

    User = get_user_model()
    rng = random.Random(17)
    loader = Loader(cursor)
    n_mentees, n_mentors = int(100_000 * size), int(60_000 * size)
    n_duos, n_meetings, n_outcomes = int(100_000 * size), int(2_000_000 * size), int(200_000 * size)

    # Organisations and programmes ---------------------------------------------------------
    org_ids = loader.ids(Organisation, N_ORGS)
    operators = list(org_ids[: N_ORGS - N_FUNDER_ORGS])
    funders = list(org_ids[N_ORGS - N_FUNDER_ORGS :])
    loader.copy(
        Organisation,
        (
            {
                "id": pk,
                "uuid": uuid.uuid4(),
                "name": f"Operator {pk}" if pk in operators else f"Employment service {pk}",
                "slug": f"org-{pk}",
                "kind": "operator" if pk in operators else "public_employment_service",
                "region": "brussels",
            }
            for pk in org_ids
        ),
    )
    programme_ids = list(loader.ids(Programme, N_PROGRAMMES))
    loader.copy(
        Programme,
        (
            {
                "id": pk,
                "uuid": uuid.uuid4(),
                "operator_id": operators[i % len(operators)],
                "name": f"Programme {pk}",
                "slug": f"programme-{pk}",
                "region": ["brussels", "flanders", "wallonia"][i % 3],
                "starts_on": dt.date(2016, 1, 1),
                "meetings_per_month": 4,
                "languages": ["fr", "nl"],
            }
            for i, pk in enumerate(programme_ids)
        ),
    )

    # Users and memberships -----------------------------------------------------------------
    password = make_password(PASSWORD)
    users: list[dict] = []
    memberships: list[dict] = []
    grants: list[tuple[int, int]] = []
    coaches: dict[int, list[int]] = {}
    mentor_users: dict[int, list[int]] = {}
    user_ids = iter(loader.ids(User, 10_000))

    def user(email: str) -> int:
        pk = next(user_ids)
        users.append({"id": pk, "username": email, "email": email, "password": password})
        return pk

    def member(user_id: int, org: int, role: str) -> int:
        pk = len(memberships) + 1
        memberships.append(
            {
                "id": pk,
                "uuid": uuid.uuid4(),
                "user_id": user_id,
                "organisation_id": org,
                "role": role,
            }
        )
        return pk

    for i, programme in enumerate(programme_ids):
        org = operators[i % len(operators)]
        member(user(f"coordinator-{i}@{EMAIL_DOMAIN}"), org, "coordinator")
        coaches[programme] = []
        for k in range(2):
            uid = user(f"coach-{i}-{k}@{EMAIL_DOMAIN}")
            member(uid, org, "coach")
            coaches[programme].append(uid)
        mentor_users[programme] = [
            user(f"mentor-{i}-{k}@{EMAIL_DOMAIN}") for k in range(MENTOR_ACCOUNTS_PER_PROGRAMME)
        ]
    for j, org in enumerate(funders):
        for role, n in (("funder", 2), ("evaluator", 2)):
            for k in range(n):
                m = member(user(f"{role}-{j * n + k}@{EMAIL_DOMAIN}"), org, role)
                grants += [(m, p) for p in programme_ids[j::N_FUNDER_ORGS]]
    loader.copy(User, users)
    loader.next_id[Membership._meta.db_table] = len(memberships) + 1
    loader.copy(Membership, memberships)
    through = Membership.programmes.through
    loader.copy(through, ({"membership_id": m, "programme_id": p} for m, p in grants))
    funding_ids = loader.ids(Funding, N_PROGRAMMES)
    loader.copy(
        Funding,
        (
            {
                "id": pk,
                "uuid": uuid.uuid4(),
                "funder_id": funders[i % len(funders)],
                "programme_id": programme_ids[i],
                "amount": 1_500_000,
                "starts_on": dt.date(2024, 1, 1),
                "ends_on": dt.date(2026, 12, 31),
                "target_duos": 1500,
            }
            for i, pk in enumerate(funding_ids)
        ),
    )

    # Participants ---------------------------------------------------------------------------
    def person(pk: int, programme: int, ref: str) -> dict:
        return {
            "id": pk,
            "uuid": uuid.uuid4(),
            "programme_id": programme,
            "ref": ref,
            "first_name": rng.choice(FIRST),
            "last_name": rng.choice(LAST),
            "email": f"{ref.lower()}@{EMAIL_DOMAIN}",
            "gender": rng.choice(GENDERS),
            "postcode": str(rng.choice([1000, 1030, 1080, 2000, 9000, 4000])),
            "languages": rng.choice(LANGS),
            "sectors": [rng.choice(SECTORS)],
            "education_level": rng.choice(EDUCATION),
            "status": "ready",
            "consent_given_at": dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        }

    mentee_ids = list(loader.ids(Mentee, n_mentees))
    mentee_programme = {pk: programme_ids[i % N_PROGRAMMES] for i, pk in enumerate(mentee_ids)}
    mentor_ids = list(loader.ids(Mentor, n_mentors))
    mentor_programme = {pk: programme_ids[i % N_PROGRAMMES] for i, pk in enumerate(mentor_ids)}
    by_programme: dict[int, list[int]] = {}
    for pk in mentor_ids:
        by_programme.setdefault(mentor_programme[pk], []).append(pk)
    with_account: dict[int, int] = {}
    for programme, uids in mentor_users.items():
        with_account.update(zip(by_programme[programme], uids, strict=False))

    # Duos: 90 % first duos; the other 10 % are second duos of mentees whose
    # first duo ended early (re-matching). 15 % of the duos are active.
    n_second = n_duos // 10
    n_first = n_duos - n_second
    duo_ids = list(loader.ids(Duo, n_duos))
    duo_rows: list[dict] = []
    mentee_status: dict[int, str] = {}
    for i, pk in enumerate(duo_ids):
        second = i >= n_first
        mentee = mentee_ids[(i - n_first) if second else i % n_mentees]
        programme = mentee_programme[mentee]
        pool = by_programme[programme]
        rematched_later = not second and i < n_second
        active = not rematched_later and rng.random() < (0.5 if second else 0.12)
        if second:
            start = _date_between(rng, dt.date(2025, 9, 1), dt.date(2026, 11, 1))
        elif active:
            start = _date_between(rng, dt.date(2026, 5, 1), dt.date(2026, 11, 1))
        elif rematched_later:
            start = _date_between(rng, dt.date(2016, 1, 1), dt.date(2025, 1, 1))
        else:
            start = _date_between(rng, dt.date(2016, 1, 1), dt.date(2026, 3, 1))
        row = {
            "id": pk,
            "uuid": uuid.uuid4(),
            "programme_id": programme,
            "mentee_id": mentee,
            "mentor_id": pool[i % len(pool)],
            "coach_id": rng.choice(coaches[programme]),
            "status": "active" if active else "ended",
            "proposed_on": start - dt.timedelta(days=14),
            "started_on": start,
            "planned_end_on": start + dt.timedelta(weeks=26),
            "match_score": 60,
            "introduction_on": start,
        }
        if not active:
            if rematched_later:
                end = start + dt.timedelta(days=rng.randrange(20, 90))
                reason = rng.choice(["mentee_withdrew", "mentor_withdrew", "mismatch"])
            else:
                end = min(start + dt.timedelta(days=rng.randrange(90, 200)), TODAY)
                reason = rng.choices(REASONS, REASON_WEIGHTS)[0]
            row |= {"ended_on": end, "end_reason": reason}
        mentee_status[mentee] = "in_duo" if active else "done"
        duo_rows.append(row)
    # Each mentor with an account has two active duos (what they log meetings for).
    accounts = {p: [m for m in ms if m in with_account] for p, ms in by_programme.items()}
    taken: dict[int, int] = {}
    for row in duo_rows:
        if row["status"] != "active":
            continue
        for mentor in accounts[row["programme_id"]]:
            if taken.get(mentor, 0) < 2:
                taken[mentor] = taken.get(mentor, 0) + 1
                row["mentor_id"] = mentor
                break

    def mentees():
        for pk in mentee_ids:
            row = person(pk, mentee_programme[pk], f"E{pk}")
            consent = rng.random() < 0.7
            row |= {
                "status": mentee_status.get(pk, "ready"),
                "age_band_at_entry": rng.choice(AGE_BANDS),
                "employment_status_at_entry": "unemployed",
                "special_consent_at": dt.datetime(2024, 1, 1, tzinfo=dt.UTC) if consent else None,
                "migration_background": (rng.random() < 0.6) if consent else None,
                "waiting_since": dt.date(2026, 9, 1),
            }
            yield row

    def mentors():
        for pk in mentor_ids:
            row = person(pk, mentor_programme[pk], f"T{pk}")
            row |= {
                "capacity": 3,
                "profession": "Engineer",
                "training_completed_on": dt.date(2020, 1, 1),
                "user_id": with_account.get(pk),
            }
            if pk in with_account:
                row["email"] = users[with_account[pk] - 1]["email"]
            yield row

    loader.copy(Mentee, mentees())
    loader.copy(Mentor, mentors())
    loader.copy(Duo, duo_rows)

    # Outcomes: exit and follow-up of the ended duos, up to n_outcomes.
    outcome_ids = iter(loader.ids(Outcome, n_outcomes))
    ended = [d for d in duo_rows if d["status"] == "ended"]

    def outcomes():
        made = 0
        for point in ("exit", "follow_up"):
            for duo in ended:
                if made >= n_outcomes:
                    return
                status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
                made += 1
                yield {
                    "id": next(outcome_ids),
                    "uuid": uuid.uuid4(),
                    "duo_id": duo["id"],
                    "point": point,
                    "date": duo["ended_on"],
                    "status": status,
                    "contract_type": "permanent" if status == "employed" else "",
                    "source": "coordinator",
                }

    loader.copy(Outcome, outcomes())
    loader.fix_sequences()
    return {
        "counts": loader.counts,
        "heavy": [d["id"] for d in duo_rows if d["status"] == "active"][:HEAVY_DUOS],
        "n_meetings": n_meetings,
    }


MEETINGS_SQL = """
INSERT INTO duos_meeting (uuid, created_at, updated_at, duo_id, date, minutes, mode, topics,
                          note, logged_by_id)
SELECT gen_random_uuid(), now(), now(), d.id,
       LEAST(d.started_on + (g.n * 7), COALESCE(d.ended_on, %(today)s), %(today)s),
       30 + (g.n * 7) %% 90,
       (ARRAY['workplace','in_person','video','phone'])[1 + g.n %% 4],
       '["cv", "applications"]'::jsonb, '', mt.user_id
FROM duos_duo d
JOIN duos_mentor mt ON mt.id = d.mentor_id
CROSS JOIN LATERAL generate_series(1, CASE WHEN d.id = ANY(%(heavy)s) THEN 500
                                           ELSE %(per_duo)s END) AS g(n)
WHERE d.started_on IS NOT NULL
"""


def load_meetings(cursor, *, heavy: list[int], n_meetings: int, n_duos: int) -> int:
    per_duo = max(1, round((n_meetings - 500 * len(heavy)) / max(1, n_duos - len(heavy))))
    cursor.execute(MEETINGS_SQL, {"today": TODAY, "heavy": heavy, "per_duo": per_duo})
    return cursor.rowcount


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=float, default=1.0, help="1 = 100,000 mentees (default)")
    parser.add_argument("--db", default="duo_scale", help="database name (default duo_scale)")
    parser.add_argument("--no-snapshots", action="store_true", help="skip the snapshots")
    args = parser.parse_args()
    admin_url, db_url = urls(args.db)
    started = time.perf_counter()
    recreate_database(admin_url, args.db)
    os.environ["DATABASE_URL"] = db_url
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection, transaction

    steps: list[tuple[str, float]] = []
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    steps.append(("migrate", time.perf_counter() - t))
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3 cursor: COPY
        result = load(args.size, raw)
        steps.append(("COPY participants, duos, outcomes, users", time.perf_counter() - t))
        t = time.perf_counter()
        n_duos = result["counts"]["duos_duo"]
        meetings = load_meetings(
            raw, heavy=result["heavy"], n_meetings=result["n_meetings"], n_duos=n_duos
        )
        steps.append(("INSERT … SELECT meetings", time.perf_counter() - t))
    t = time.perf_counter()
    with connection.cursor() as cursor:
        # VACUUM too, as autovacuum would soon after a bulk load in production: the
        # visibility map lets the plans read indexes only (the follow-ups' check
        # for an outcome, the lists' counts), which matters if autovacuum is off.
        cursor.execute("VACUUM (ANALYZE)")
    steps.append(("VACUUM ANALYZE", time.perf_counter() - t))
    load_seconds = time.perf_counter() - started
    if not args.no_snapshots:
        from programmes.models import Programme
        from reporting.services import snapshot_compute

        t = time.perf_counter()
        for programme in Programme.objects.order_by("pk"):
            snapshot_compute(programme=programme, trigger="bench")
        steps.append(("rate snapshot per programme", time.perf_counter() - t))

    counts = result["counts"]
    print(f"database {args.db} (size {args.size:g}):")
    for table, n in sorted(counts.items()):
        print(f"  {table:32} {n:>10,}")
    print(f"  {'duos_meeting':32} {meetings:>10,}")
    print("steps:")
    for name, seconds in steps:
        print(f"  {name:42} {seconds:7.1f} s")
    verdict = "under" if load_seconds < 180 else "OVER"
    print(f"loaded in {load_seconds:.1f} s ({verdict} the 3-minute target), snapshots excluded")
    print(f"every account's password: {PASSWORD}")
    print(
        f"accounts: coordinator-<0..{N_PROGRAMMES - 1}>@{EMAIL_DOMAIN}, "
        f"coach-<p>-<0..1>@…, mentor-<p>-<0..{MENTOR_ACCOUNTS_PER_PROGRAMME - 1}>@…, "
        f"funder-<0..3>@…, evaluator-<0..3>@…"
    )
    print(f"heavy duos (500 meetings each): ids {result['heavy'][:5]} …")


if __name__ == "__main__":
    main()
