"""Production settings pass Django's deployment checks, and refuse short keys
(issue 13, item 3).

Each case starts a fresh Python with only the variables a production host
sets, not the test settings' own (which turn HTTPS redirects and secure
cookies off)."""

import ast
import os
import secrets
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# What a subprocess needs to run at all; nothing of Duo's own configuration.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


def production_env(**overrides) -> dict[str, str]:
    env = {k: os.environ[k] for k in PASSED_THROUGH if k in os.environ}
    # The database the tests run on (PostgreSQL in CI); unset means SQLite.
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(48),  # 64 characters
        RESEARCH_ID_KEY=secrets.token_hex(20),  # 40 characters
        ALLOWED_HOSTS="duo.example.org",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def manage(*args, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_checks_pass_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_turning_https_off_is_reported():
    """The check is real: production without HTTPS redirects fails it."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECURE_SSL_REDIRECT="0")
    assert result.returncode != 0
    assert "security.W008" in result.stderr


def test_production_sends_hsts_with_subdomains_and_preload():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(repr((s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**production_env(), "DJANGO_SETTINGS_MODULE": "mentoring.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert ast.literal_eval(result.stdout.strip()) == (
        31536000,
        True,
        True,
        True,
        True,
        True,
        ("HTTP_X_FORWARDED_PROTO", "https"),
    )


@pytest.mark.parametrize("name", ["SECRET_KEY", "RESEARCH_ID_KEY"])
@pytest.mark.parametrize("value", ["ci", "x" * 31])
def test_a_short_key_stops_the_start(name, value):
    result = manage("check", **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{name} is {len(value)} characters long: at least 32 are required" in result.stderr


@pytest.mark.parametrize("name", ["SECRET_KEY", "RESEARCH_ID_KEY"])
def test_a_missing_key_stops_the_start(name):
    result = manage("check", **{name: None})
    assert result.returncode != 0
    assert f"{name} is required when DEBUG is off" in result.stderr


def test_short_keys_are_fine_for_local_work():
    result = manage("check", DEBUG="1", SECRET_KEY="dev", RESEARCH_ID_KEY="dev")
    assert result.returncode == 0, result.stderr
