import os

import pytest
from django.conf import settings

from tests import factories


def pytest_report_header(config):
    """Say which database and broker this run proves."""
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    db = settings.DATABASES["default"]
    try:
        with config.stash[blocking_manager_key].unblock():
            connection.ensure_connection()
        if connection.vendor == "postgresql":
            major, minor = divmod(connection.pg_version, 10000)
            version = f"{major}.{minor}"
        else:
            version = connection.Database.sqlite_version
        database = f"database: {connection.vendor} {version} ({db['HOST'] or db['NAME']})"
    except Exception as exc:  # the run will fail loudly later; the header must not
        database = f"database: {db['ENGINE']} unreachable ({exc.__class__.__name__}: {exc})"
    finally:
        connection.close()
    broker = os.environ.get("CELERY_BROKER_URL") or "none (eager tasks; real-worker tests skip)"
    return [database, f"broker: {broker}"]


@pytest.fixture
def programme(db):
    return factories.ProgrammeFactory()


@pytest.fixture
def coordinator(db):
    return factories.UserFactory()
