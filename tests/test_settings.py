"""Bad configuration stops the start with a message naming the variable."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _load_settings(**env):
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import mentoring.settings as s; print(s.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "0", "SECRET_KEY": ""}, "SECRET_KEY is required"),
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DEBUG": "1", "DATABASE_URL": "mysql://u@h/db"}, "Duo runs on PostgreSQL"),
        ({"DEBUG": "1", "DATABASE_URL": "nonsense"}, "DATABASE_URL='nonsense' is not a valid URL"),
        ({"DEBUG": "1", "TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE='Mars/Olympus'"),
        ({"DEBUG": "1", "LANGUAGE_CODE": "de"}, "LANGUAGE_CODE='de'"),
        (
            {"DEBUG": "1", "CELERY_TASK_TIME_LIMIT": "soon"},
            "CELERY_TASK_TIME_LIMIT='soon' is not a whole number",
        ),
    ],
)
def test_invalid_values_stop_the_start(env, message):
    result = _load_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_embedded_default_is_sqlite():
    result = _load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_postgres_url_is_accepted():
    result = _load_settings(
        DEBUG="0", SECRET_KEY="x" * 50, DATABASE_URL="postgres://u:p@db:5432/duo"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_brussels_time_and_three_languages():
    assert settings.TIME_ZONE == "Europe/Brussels"
    assert [code for code, _name in settings.LANGUAGES] == ["nl", "fr", "en"]
