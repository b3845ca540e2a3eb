"""Load test: gunicorn with production settings, a Celery worker, Locust headless.

    .venv/bin/python bench/scale_data.py              # once: the duo_scale database
    .venv/bin/python bench/load.py                    # 50 users, 2 minutes
    .venv/bin/python bench/load.py --users 20 --duration 30 --db duo_scale

What runs, all on this machine:
- ``collectstatic`` into a temporary folder (whitenoise's compressed manifest,
  as production serves it);
- gunicorn (``--workers``, default 4) on 127.0.0.1, with DEBUG off and the
  production settings; plain HTTP on loopback, so the simulated browsers send
  ``X-Forwarded-Proto: https`` and secure cookies are switched off for the run
  (``SECURE_COOKIES=0``: a browser does not send secure cookies over http);
- a Celery worker on Redis (127.0.0.1:6379, database 14, so other work on
  the same Redis is not disturbed);
- Locust headless with bench/locustfile.py: mentors logging meetings,
  coordinators filtering lists and opening duos and people, coaches on their
  workspace, funders on dashboards and downloads, 1–3 s of thinking.

Second factor: staff accounts would be asked for an authenticator code. The run
sets ``MFA_REQUIRED=0`` (the documented switch; never in production) instead of
keeping TOTP secrets for 200 bench accounts: the second factor costs one form
post per sign-in, not per page.

Prints requests/s, p50/p95/p99 per page and errors (by default from the moment
every user is signed in: 50 password checks at once, PBKDF2 by design, take the
two cores for several seconds; sign-ins refused are counted anyway), then a
diagnostic run: the same pages requested in-process with every query timed
(PostgreSQL here has no pg_stat_statements), and the EXPLAIN (ANALYZE, BUFFERS)
of the three slowest.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PASSWORD = "scale-bench-password-2026"


def environment(args, static_root: str) -> dict:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/duo")
    broker = "redis://127.0.0.1:6379/14"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring.settings",
        "DATABASE_URL": base.rsplit("/", 1)[0] + "/" + args.db,
        "DEBUG": "0",
        "SECRET_KEY": "load-test-only-secret-key-not-for-any-real-site-0123456789",
        "RESEARCH_ID_KEY": "load-test-only-research-key-not-for-any-export-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{args.port}",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "MFA_REQUIRED": "0",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        "SCALE_PASSWORD": PASSWORD,
        "PYTHONPATH": str(ROOT),
    }


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def start(cmd: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def report(stats_csv: Path, duration: float) -> int:
    """Print the per-page table; returns the number of failures."""
    with stats_csv.open() as f:
        rows = list(csv.DictReader(f))
    print(f"\n| page | requests | errors | p50 ms | p95 ms | p99 ms |\n|{'---|' * 6}")
    failures = 0
    for row in rows:
        name = row["Name"] if row["Type"] else "all"
        if row["Name"] == "Aggregated":
            total = row
            continue
        failures += int(row["Failure Count"])
        print(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | "
            f"{row['50%']} | {row['95%']} | {row['99%']} |"
        )
    print(
        f"| **all** | {total['Request Count']} | {total['Failure Count']} | "
        f"{total['50%']} | {total['95%']} | {total['99%']} |"
    )
    print(
        f"\nrequests/s: {float(total['Requests/s']):.1f} over {duration:.0f} s; errors: {failures}"
    )
    return failures


def diagnose(env: dict) -> None:
    """The same pages in-process, every query timed; EXPLAIN ANALYZE the three slowest."""
    os.environ.update({k: v for k, v in env.items() if k not in ("STATIC_ROOT",)})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from duos.models import Duo, Mentee
    from programmes.models import Programme

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    User = get_user_model()
    programme = Programme.objects.order_by("pk").first()
    duo = Duo.objects.filter(programme=programme, status="active").order_by("pk").first()
    mentee = Mentee.objects.filter(programme=programme).order_by("pk").first()
    heavy = Duo.objects.filter(programme=programme, status="active").order_by("pk")
    pages = {
        "coordinator-0": [
            "/duos/",
            "/duos/?status=active",
            "/mentees/?status=ready",
            "/mentors/",
            f"/duos/{duo.uuid}/",
            f"/duos/{heavy[0].uuid}/",
            f"/mentees/{mentee.uuid}/",
            "/",
        ],
        "coach-0-0": ["/"],
        "mentor-0-0": ["/"],
        "funder-0": ["/figures/", f"/figures/{programme.uuid}/"],
    }
    timings: list[tuple[float, str, tuple, str]] = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - started, sql, params, current[0]))

    current = [""]
    print("\n| diagnostic page | ms | queries |\n|---|---|---|")
    for login, urls in pages.items():
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        client.force_login(User.objects.get(email=f"{login}@scale.invalid"))
        for url in urls:
            current[0] = url
            try:
                client.get(url)  # warm-up
                before = len(timings)
                started = time.perf_counter()
                with connection.execute_wrapper(timer):
                    response = client.get(url)
            except Exception as exc:  # another page's bug must not hide the rest
                print(f"| {login} {url} | failed: {exc!r:.80} | |")
                continue
            ms = (time.perf_counter() - started) * 1000
            print(
                f"| {login} {url} ({response.status_code}) | {ms:.0f} | {len(timings) - before} |"
            )
    slowest: dict[str, tuple] = {}
    for seconds, sql, params, url in sorted(timings, reverse=True, key=lambda t: t[0]):
        slowest.setdefault(sql, (seconds, params, url))
        if len(slowest) == 3:
            break
    for sql, (seconds, params, url) in slowest.items():
        print(f"\n### {seconds * 1000:.1f} ms on {url}\n{sql[:600]}")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="duo_scale")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--duration", type=int, default=120, help="seconds")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--no-diagnose", action="store_true")
    parser.add_argument(
        "--include-ramp-up",
        action="store_true",
        help="keep the first minute's sign-ins in the table (by default the statistics "
        "restart once every user is signed in: the steady state)",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="duo-load-"))
    env = environment(args, str(work / "static"))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    host = f"http://127.0.0.1:{args.port}"
    gunicorn = start(
        [
            str(VENV_BIN / "gunicorn"),
            "mentoring.wsgi:application",
            f"--workers={args.workers}",
            f"--bind=127.0.0.1:{args.port}",
            "--access-logfile=-",
            "--access-logformat=%(m)s %(U)s %(s)s %(M)sms",
        ],
        env,
        work / "gunicorn.log",
    )
    worker = start(
        [str(VENV_BIN / "celery"), "-A", "mentoring", "worker", "-c", "1", "-l", "WARNING"],
        env,
        work / "celery.log",
    )
    try:
        wait_for(host + "/healthz")
        print(
            f"gunicorn ({args.workers} workers) on {host}, database {args.db}; "
            f"Locust: {args.users} users for {args.duration} s (logs in {work})"
        )
        started = time.monotonic()
        subprocess.run(
            [
                str(VENV_BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.duration}s",
                "--host",
                host,
                "--csv",
                str(work / "locust"),
                "--only-summary",
                *([] if args.include_ramp_up else ["--reset-stats"]),
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            check=False,
            stdout=(work / "locust.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        elapsed = time.monotonic() - started
    finally:
        stop(gunicorn)
        stop(worker)
    failures = report(work / "locust_stats.csv", elapsed)
    refused = (work / "locust.log").read_text().count("SIGN-IN REFUSED")
    print(f"sign-ins refused: {refused} of {args.users}")
    failures += refused
    if failures:
        print(f"failures: see {work / 'locust_failures.csv'}")
    if not args.no_diagnose:
        diagnose(env)
    if os.environ.get("KEEP_LOAD_LOGS") != "1":
        shutil.rmtree(work / "static", ignore_errors=True)


if __name__ == "__main__":
    main()
