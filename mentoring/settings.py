"""Duo settings: every value comes from the environment.

The embedded default (no variables set, ``DEBUG=1``) is SQLite in the project
folder, eager Celery tasks and e-mail on the console. Production sets
``DATABASE_URL``, ``CELERY_BROKER_URL``, ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
A value that cannot be parsed stops the start with a message naming it.
"""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A strict boolean: 'maybe' is an error, not False."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_url(name: str, default: str, parse):
    raw = os.environ.get(name, default)
    try:
        return parse(raw)
    except (ValueError, KeyError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a valid URL: {exc}") from None


# --- core -------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
DEMO_MODE = env_bool("DEMO_MODE", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Set SECRET_KEY, or DEBUG=1 for local work."
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

# Outside DEBUG a short key is refused: it signs sessions, password-reset and
# invitation links (SECRET_KEY) and keys the research ids (RESEARCH_ID_KEY).
MIN_KEY_LENGTH = 32
_NEW_KEY = 'python3 -c "import secrets; print(secrets.token_urlsafe(50))"'


def require_long_key(name: str, value: str) -> None:
    if not DEBUG and len(value) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"{name} is {len(value)} characters long: at least {MIN_KEY_LENGTH} are required "
            f"when DEBUG is off. Generate one with: {_NEW_KEY}"
        )


require_long_key("SECRET_KEY", SECRET_KEY)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_filters",
    "django_htmx",
    "auditlog",
    "programmes",
    "duos",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise: static files get neither the CSP nor no-store.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mentoring.security.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Second factor for staff, session lifetime per role, sign out everywhere.
    "mentoring.middleware.SignInPolicyMiddleware",
    # A signed-in user's own language (their profile) over the browser's.
    "mentoring.middleware.UserLanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "mentoring.urls"
WSGI_APPLICATION = "mentoring.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mentoring.context_processors.navigation",
            ],
        },
    },
]
# Django's form renderer with flattened widget templates (mentoring/forms.py).
FORM_RENDERER = "mentoring.forms.FormRenderer"

# --- database -----------------------------------------------------------------
DATABASES = {
    "default": env_url(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}", environ.Env.db_url_config
    )
}
_db = DATABASES["default"]
if not _db.get("ENGINE"):
    raise ImproperlyConfigured(
        f"DATABASE_URL={os.environ.get('DATABASE_URL')!r} is not a valid URL: "
        "use postgres://user:password@host:5432/name or sqlite:////absolute/path.db"
    )
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when the transaction begins, so two activations
    # of the same mentor serialise instead of failing with "database is locked".
    _db.setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    _db["OPTIONS"].setdefault("timeout", 20)
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: our queries read a page of rows, and PostgreSQL's JIT
    # (on above a cost estimate that correlated subqueries easily reach) spent
    # 10-15 ms compiling for a 30 ms count on the coordinator home (bench/pages.py).
    _db.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    if env_bool("DATABASE_POOL", False):
        # psycopg's pool (Django >= 5.1); needs CONN_MAX_AGE = 0.
        _db["CONN_MAX_AGE"] = 0
        _db.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN", 2, minimum=1),
            "max_size": env_int("DATABASE_POOL_MAX", 10, minimum=1),
        }
    else:
        # Persistent connections: a new PostgreSQL connection per request cost
        # a few ms and a backend process each (bench/load.py). Checked before
        # reuse, so a restarted database costs one failed request, not many.
        _db["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
        _db["CONN_HEALTH_CHECKS"] = True
else:
    raise ImproperlyConfigured(
        f"DATABASE_URL points to {_db['ENGINE']}: Duo runs on PostgreSQL (or SQLite locally)."
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's database cache: shared by every process and keeps working when
# Redis is down (rate limits of the sign-in live here).
CACHES = {"default": env_url("CACHE_URL", "dbcache://duo_cache", environ.Env.cache_url_config)}

# --- auth -----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
# django-allauth 65: e-mail sign-in, accounts only by invitation (the adapter
# closes sign-up), password reset by e-mail, sign-in by an e-mailed code.
# Invitation only; enrolling the first authenticator app right after signing in
# does not ask for the password again.
ACCOUNT_ADAPTER = "programmes.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 600
# No "remember me": a session's lifetime is its role's (below).
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_FORMS = {"login": "programmes.signin.forms.LoginForm"}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
# No "you have no account" e-mails to addresses that have none (they pointed
# to a closed sign-up page and could be sent to anyone).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Per-address limits an office behind one address (a public employment
# service's NAT, a training room) can live with: 50 people signing in within a
# minute were refused at allauth's 30/m/ip. Guessing stays slow: failed
# sign-ins are limited per account (5 per 5 minutes) and per address.
_SIGNIN_PER_IP = env_int("SIGNIN_LIMIT_PER_MINUTE_PER_ADDRESS", 300, minimum=1)
ACCOUNT_RATE_LIMITS = {
    "login": f"{_SIGNIN_PER_IP}/m/ip",
    "login_failed": f"{max(10, _SIGNIN_PER_IP // 5)}/m/ip,5/300s/key",
    "request_login_code": f"{max(20, _SIGNIN_PER_IP // 5)}/m/ip,3/m/key",
    "reset_password": f"{max(20, _SIGNIN_PER_IP // 5)}/m/ip,5/m/key",
    "reset_password_from_key": f"{max(20, _SIGNIN_PER_IP // 5)}/m/ip",
}
# An invited person sets their password and lands signed in.
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
# Invitation and reset links die when the person's access is revoked.
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "programmes.tokens.AccessAwareTokenGenerator"
# An invitation link is a password-set link: valid for 7 days.
PASSWORD_RESET_TIMEOUT = 7 * 24 * 3600
# Two-factor authentication (allauth.mfa): an authenticator app (TOTP) and
# recovery codes. Coordinators, coaches, funders, evaluators and administrators
# must use it (mentoring.middleware; the demo accounts only while DEMO_MODE is
# on); mentors sign in with a password or an e-mailed code.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_REQUIRED = env_bool("MFA_REQUIRED", True)
MFA_TOTP_ISSUER = "Duo"
# A code from the previous or next 30 seconds is accepted too (phone clocks drift).
MFA_TOTP_TOLERANCE = 1
# Sessions end after this many idle seconds: staff after 8 hours, mentors after
# 30 days (mentoring.middleware saves a signed-in session at most once a minute,
# the equivalent of SESSION_SAVE_EVERY_REQUEST without a write per request). A
# password change keeps only the session it was made in; "sign out everywhere"
# ends them all.
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 8 * 3600, minimum=60)
MENTOR_SESSION_IDLE_SECONDS = env_int("MENTOR_SESSION_IDLE_SECONDS", 30 * 24 * 3600, minimum=60)

# --- i18n -------------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "nl")
LANGUAGES = [("nl", _("Dutch")), ("fr", _("French")), ("en", _("English"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE={LANGUAGE_CODE!r}: use nl, fr or en.")
LOCALE_PATHS = [BASE_DIR / "locale"]
# Belgian dates and numbers in Dutch and French, day-month-year in English.
FORMAT_MODULE_PATH = ["mentoring.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Brussels")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE={TIME_ZONE!r} is not a known time zone.") from None
USE_I18N = True
USE_TZ = True

# --- static -------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- e-mail ---------------------------------------------------------------------------
_email = env_url("EMAIL_URL", "consolemail://", environ.Env.email_url_config)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
# Links in e-mails sent by background jobs (no request to build them from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The name e-mails are signed with (allauth's would be the request's host).
SITE_NAME = os.environ.get("SITE_NAME", "Duo").strip() or "Duo"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Duo <noreply@duo.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- security behind a proxy ----------------------------------------------------------------
# The proxy must set (not pass on) X-Forwarded-Proto. A load test over plain
# HTTP on loopback sends "X-Forwarded-Proto: https" instead of being redirected.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HSTS: a year by default in production; 0 turns it off.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4): no inline script or style anywhere,
# so no 'unsafe-inline'; scripts, styles and fonts from this site only. Images
# also as data: URIs (the empty favicon, allauth's TOTP QR code).
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_NONE],
        "frame-ancestors": [_NONE],
        "form-action": [_SELF],
    }
}

# --- Celery ----------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# No broker: tasks run in-process, so the embedded default needs no Redis.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A user's request must not hang when the broker is down: fail fast, log,
# and let the nightly job catch up.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Above the longest countdown we use, or a task is delivered twice.
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
}
# The key of the research ids in pseudonymised exports (HMAC-SHA256). Kept
# outside the database and the exports; changing it changes every research id.
RESEARCH_ID_KEY = os.environ.get("RESEARCH_ID_KEY", "")
if not RESEARCH_ID_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("RESEARCH_ID_KEY is required when DEBUG is off.")
    RESEARCH_ID_KEY = "local-development-research-key"
require_long_key("RESEARCH_ID_KEY", RESEARCH_ID_KEY)

# A change of a duo's ending or an outcome recomputes the programme's figures
# this many seconds later; changes meanwhile join the same run.
RECOMPUTE_DELAY_SECONDS = env_int("RECOMPUTE_DELAY_SECONDS", 10)
# Every periodic job, in one place (times are Europe/Brussels).
CELERY_BEAT_SCHEDULE: dict = {
    "silence-reminders": {
        "task": "duos.send_silence_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    "coach-digests": {
        "task": "duos.send_coach_digests",
        "schedule": crontab(hour=9, minute=15),
    },
    # New applications and what waits for each coordinator, in their language.
    "coordinator-digests": {
        "task": "duos.send_coordinator_digests",
        "schedule": crontab(hour=8, minute=0),
    },
    "nightly-figures": {
        "task": "reporting.recompute_all",
        "schedule": crontab(hour=2, minute=30),
    },
    "start-agreed-proposals": {
        "task": "duos.start_agreed_proposals",
        "schedule": crontab(hour=7, minute=0),
    },
    "follow-up-requests": {
        "task": "duos.send_follow_up_requests",
        "schedule": crontab(hour=10, minute=0),
    },
    # The trail of views and exports, kept no longer than each programme's retention.
    "prune-access-trail": {
        "task": "duos.prune_access_trail",
        "schedule": crontab(hour=3, minute=15),
    },
    # Participants past their programme's retention erased; upload content after 30 days.
    "apply-retention": {
        "task": "duos.apply_retention",
        "schedule": crontab(hour=3, minute=45),
    },
}

# --- logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
