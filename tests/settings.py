"""Test settings: the project's settings, with what tests must not depend on
turned off. The database and the broker still come from the environment, so
CI runs this suite on PostgreSQL and Redis."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-any-real-site-0123456789")
os.environ.setdefault("RESEARCH_ID_KEY", "tests-only-research-key-not-for-any-real-export-0123")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")

from mentoring.settings import *  # noqa: E402,F403

# The real-worker tests switch eager mode off for themselves.
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LANGUAGE_CODE = "en"
ACCOUNT_RATE_LIMITS = False
# Tests sign staff in with force_login; the MFA tests (tests/test_mfa.py,
# tests/browser/test_mfa.py) turn it back on.
MFA_REQUIRED = False
