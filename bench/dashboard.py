"""Benchmark of the funder dashboard on PostgreSQL with 100,000 duos.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/duo .venv/bin/python bench/dashboard.py

Fills a `<name>_bench` database like bench/rates.py, with one programme of
100,000 duos (~200,000 outcomes) and one small programme of 100 duos, computes the
snapshots, then requests a funder's dashboard 20 times through Django's test
client (the whole server side: middleware, access checks, template) and prints
the median time and the number of queries, for the big and the small programme."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import rates as filler  # noqa: E402  (sets the bench database up)


def measure(client, url: str) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up
    times = []
    for _ in range(20):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times) * 1000, len(queries.captured_queries)


def main() -> None:
    filler.recreate_database()
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = False
    # No collectstatic here: plain static storage (production serves the manifest).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    try:
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        filler.fill(n_programmes=1)  # all 100,000 duos in the funder's programme
        small = filler.fill_small(100)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.urls import reverse

        from programmes.models import Membership, Organisation, Programme
        from reporting.services import snapshot_compute

        for programme in Programme.objects.all():
            snapshot_compute(programme=programme)
        funder_org = Organisation.objects.create(
            name="Actiris", slug="actiris", kind="public_employment_service"
        )
        user = get_user_model().objects.create_user(
            "funder@bench.invalid", "funder@bench.invalid", "x"
        )
        membership = Membership.objects.create(user=user, organisation=funder_org, role="funder")
        membership.programmes.set(Programme.objects.all())
        client = Client()
        client.force_login(user)
        big = Programme.objects.get(slug="p0")
        print("| programme | duos | median of 20 (ms) | queries |\n|---|---|---|---|")
        for programme in (big, small):
            ms, queries = measure(client, reverse("reporting:dashboard", args=[programme.uuid]))
            print(f"| {programme.slug} | {programme.duos.count():,} | {ms:.1f} | {queries} |")
        ms, _q = measure(
            client, reverse("reporting:dashboard", args=[big.uuid]) + "?from=2018&to=2020"
        )
        print(f"| p0, cohorts 2018–2020 | {big.duos.count():,} | {ms:.1f} | {_q} |")
    finally:
        if os.environ.get("KEEP_BENCH_DB") != "1":
            filler.drop_database()


if __name__ == "__main__":
    main()
