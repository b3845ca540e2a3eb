"""Server time per page at zero load, against the duo_scale database (issue 17).

    .venv/bin/python bench/scale_data.py     # once
    .venv/bin/python bench/pages.py          # every page, 20 requests each
    .venv/bin/python bench/pages.py --only "duo list" --profile   # cProfile of one page

Django's test client in this process, with the production settings bench/load.py
gives gunicorn (DEBUG off, persistent connections, PostgreSQL), signed in as the
bench accounts of each role. For each page: the median of ``--repeat`` requests
(after one warm-up), its number of queries, and how that median splits into SQL
(every query timed at the driver) and the rest (Python: middleware, views,
forms, templates). Logging a meeting is posted inside a transaction that is
rolled back, so the data set does not grow from one run to the next.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class _Rollback(Exception):
    pass


def setup(db: str) -> None:
    from bench.load import environment

    args = argparse.Namespace(db=db, port=8123)
    env = environment(args, str(ROOT / "staticfiles-unused"))
    os.environ.update({k: v for k, v in env.items() if k != "STATIC_ROOT"})
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.DEBUG_PROPAGATE_EXCEPTIONS = True
    # No collectstatic here: plain static storage (production serves the manifest).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pages() -> list[tuple[str, str, str, str]]:
    """(name, account, method, url) of every page measured."""
    from duos.models import Duo, Mentee, Mentor
    from programmes.models import Programme

    programme = Programme.objects.order_by("pk").first()
    duo = Duo.objects.filter(programme=programme, status="active").order_by("pk").first()
    mentee = Mentee.objects.filter(programme=programme).order_by("pk").first()
    mentor_duo = (
        Duo.objects.filter(mentor__user__email="mentor-0-0@scale.invalid", status="active")
        .order_by("pk")
        .first()
    )
    mentor = Mentor.objects.filter(programme=programme).order_by("pk").first()
    figures = f"/figures/{programme.uuid}/"
    rows = [
        ("profile (the floor: a signed-in page)", "coordinator-0", "GET", "/accounts/profile/"),
        ("coordinator home", "coordinator-0", "GET", "/"),
        ("duo list", "coordinator-0", "GET", "/duos/"),
        ("duo list ?status=active", "coordinator-0", "GET", "/duos/?status=active"),
        ("duo list ?health=silent", "coordinator-0", "GET", "/duos/?health=silent"),
        ("duo list ?page=3", "coordinator-0", "GET", "/duos/?page=3"),
        ("duo page", "coordinator-0", "GET", f"/duos/{duo.uuid}/"),
        ("mentee list", "coordinator-0", "GET", "/mentees/"),
        ("mentee list ?status=ready", "coordinator-0", "GET", "/mentees/?status=ready"),
        ("mentee list ?q=Peeters", "coordinator-0", "GET", "/mentees/?q=Peeters"),
        ("mentee page", "coordinator-0", "GET", f"/mentees/{mentee.uuid}/"),
        ("mentor list", "coordinator-0", "GET", "/mentors/"),
        ("mentor list ?status=ready", "coordinator-0", "GET", "/mentors/?status=ready"),
        ("mentor page", "coordinator-0", "GET", f"/mentors/{mentor.uuid}/"),
        ("coach workspace", "coach-0-0", "GET", "/"),
        ("mentor home", "mentor-0-0", "GET", "/"),
        ("funder figures list", "funder-0", "GET", "/figures/"),
        ("funder dashboard", "funder-0", "GET", figures),
        ("funder dashboard CSV", "funder-0", "GET", figures + "?format=csv"),
    ]
    if mentor_duo is not None:
        rows.append(("log a meeting (POST)", "mentor-0-0", "POST", f"/duos/{mentor_duo.uuid}/"))
    return rows


def meeting_post(client, duo_url: str):
    """The mentor home's form for that duo, filled as bench/locustfile.py does."""
    from duos.models import Duo

    duo = Duo.objects.get(uuid=duo_url.strip("/").split("/")[-1])
    prefix = f"duo-{duo.pk}"
    data = {
        f"{prefix}-date": dt.date.today().isoformat(),
        f"{prefix}-minutes": 60,
        f"{prefix}-mode": "video",
        f"{prefix}-topics": ["cv"],
        f"{prefix}-note": "",
        f"{prefix}-client_token": str(uuid.uuid4()),
        f"{prefix}-same_day_ok": "on",
    }
    return client.post(f"/duos/{duo.uuid}/meetings/", data)


def request(client, method: str, url: str):
    from django.db import transaction

    if method == "GET":
        return client.get(url)
    response = None
    try:
        with transaction.atomic():
            response = meeting_post(client, url)
            raise _Rollback
    except _Rollback:
        pass
    return response


def measure(client, method: str, url: str, repeat: int) -> dict:
    from django.db import connection

    sql = [0.0]
    count = [0]

    def timer(execute, sql_text, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            sql[0] += time.perf_counter() - started
            count[0] += 1

    response = request(client, method, url)  # warm-up
    expected = 302 if method == "POST" else 200
    if response.status_code != expected:
        raise RuntimeError(f"{method} {url} answered {response.status_code}")
    totals, sqls, counts = [], [], []
    with connection.execute_wrapper(timer):
        for _ in range(repeat):
            sql[0], count[0] = 0.0, 0
            started = time.perf_counter()
            request(client, method, url)
            totals.append(time.perf_counter() - started)
            sqls.append(sql[0])
            counts.append(count[0])
    ms = statistics.median(totals) * 1000
    sql_ms = statistics.median(sqls) * 1000
    return {
        "ms": ms,
        "sql": sql_ms,
        "python": ms - sql_ms,
        "queries": max(counts),
        "bytes": len(response.content),
    }


def print_queries(client, method: str, url: str) -> None:
    from django.db import connection

    timings: list[tuple[float, str]] = []

    def timer(execute, sql_text, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            timings.append((time.perf_counter() - started, sql_text))

    with connection.execute_wrapper(timer):
        request(client, method, url)
    for seconds, sql_text in timings:
        print(f"    {seconds * 1000:7.1f} ms  {sql_text[:300]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="duo_scale")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", help="the pages whose name contains this text")
    parser.add_argument("--profile", action="store_true", help="cProfile each page measured")
    parser.add_argument("--queries", action="store_true", help="each page's queries, timed")
    args = parser.parse_args()
    setup(args.db)
    from django.contrib.auth import get_user_model
    from django.test import Client

    User = get_user_model()
    clients: dict[str, Client] = {}
    print(f"database {args.db}; median of {args.repeat} requests per page (after a warm-up)\n")
    print("| page | ms | SQL ms | Python ms | queries | KB |\n|---|---:|---:|---:|---:|---:|")
    for name, login, method, url in pages():
        if args.only and args.only not in name:
            continue
        if login not in clients:
            clients[login] = Client(HTTP_X_FORWARDED_PROTO="https")
            clients[login].force_login(User.objects.get(email=f"{login}@scale.invalid"))
        client = clients[login]
        try:
            m = measure(client, method, url, args.repeat)
        except Exception as exc:  # another page's bug must not hide the rest
            print(f"| {name} | failed: {exc!r:.100} | | | | |")
            continue
        print(
            f"| {name} | {m['ms']:.1f} | {m['sql']:.1f} | {m['python']:.1f} | "
            f"{m['queries']} | {m['bytes'] / 1024:.0f} |",
            flush=True,
        )
        if args.queries:
            print_queries(client, method, url)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(5):
                request(client, method, url)
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(25)
            print("```\n" + out.getvalue() + "```")


if __name__ == "__main__":
    main()
