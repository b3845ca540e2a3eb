"""Backups (README "Backups"): a `pg_dump` restored into a fresh database gives
the same figures (`programme_rates --json`), computed there by the app itself."""

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import DuoFactory, OutcomeFactory, ProgrammeFactory

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("backup")]
ROOT = Path(__file__).resolve().parents[2]


def _postgres_or_skip():
    if connection.vendor == "postgresql" and shutil.which("pg_dump"):
        return
    reason = "the backup test needs PostgreSQL and its client tools (pg_dump, pg_restore)"
    if os.environ.get("DUO_REQUIRE_BROKER") == "1":  # CI: the real stack must be proven
        pytest.fail(reason)
    pytest.skip(reason)


def _figures(stdout: str) -> list[dict]:
    rows = json.loads(stdout)
    for row in rows:
        row.pop("computed_at")
    return rows


def test_a_restored_dump_gives_the_same_figures(transactional_db, tmp_path):
    _postgres_or_skip()
    programme = ProgrammeFactory(slug="restore-me")
    for k, status in enumerate(["employed", "training", "still_searching"] * 5):
        duo = DuoFactory(
            programme=programme,
            ended=True,
            started_on=dt.date(2024, 1, 1) + dt.timedelta(days=k),
            ended_on=dt.date(2024, 7, 1) + dt.timedelta(days=k),
        )
        OutcomeFactory(duo=duo, point="exit", status=status, contract_type="", date=duo.ended_on)
    out = StringIO()
    call_command("programme_rates", "--json", "--programme", "restore-me", stdout=out)
    before = _figures(out.getvalue())
    assert before and before[0]["n"] == 15

    db = connection.settings_dict
    server = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432)]
    server += ["-U", db["USER"] or "postgres"]
    dump = tmp_path / "duo.dump"
    restored = f"duo_restore_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    subprocess.run(["pg_dump", *server, "-Fc", "-f", dump, db["NAME"]], check=True, env=env)
    subprocess.run(["createdb", *server, restored], check=True, env=env)
    try:
        subprocess.run(
            ["pg_restore", *server, "--no-owner", "-d", restored, dump], check=True, env=env
        )
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        auth = db["USER"] or "postgres"
        if db["PASSWORD"]:
            auth += f":{db['PASSWORD']}"
        app_env = {
            **env,
            "DATABASE_URL": f"postgres://{auth}@{host}/{restored}",
            "DJANGO_SETTINGS_MODULE": "tests.settings",
        }
        result = subprocess.run(
            [sys.executable, "manage.py", "programme_rates", "--json", "--programme", "restore-me"],
            cwd=ROOT,
            env=app_env,
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        subprocess.run(["dropdb", *server, "--if-exists", restored], env=env, check=False)
    assert _figures(result.stdout) == before
