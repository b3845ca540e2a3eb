"""`migrate` alone gives a working app (the cache table comes with the
migrations), and the per-address application limit holds for its whole hour on
the database cache, where `cache.incr` would reset it after five minutes."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from duos.models import Mentee
from tests.duos.test_intake_views import _mentee_post

DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "duo_cache_test",
    }
}


@pytest.fixture
def database_cache(db):
    """The production default (a database cache), its table made by the migration."""
    migration = importlib.import_module("programmes.migrations.0003_cache_table")
    with override_settings(CACHES=DATABASE_CACHE):
        assert "duo_cache_test" not in connection.introspection.table_names()
        # The migration only asks the schema editor for its connection.
        migration.create_cache_tables(None, SimpleNamespace(connection=connection))
        assert "duo_cache_test" in connection.introspection.table_names()
        cache.clear()
        yield cache


def test_the_migration_makes_the_cache_table_and_the_cache_works(database_cache):
    database_cache.set("k", "v", timeout=60)
    assert database_cache.get("k") == "v"


def test_five_applications_per_address_per_hour_for_the_whole_hour(database_cache, client):
    from tests.factories import ProgrammeFactory

    programme = ProgrammeFactory()
    url = reverse("duos:apply", args=[programme.slug, "mentee"])
    start = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for n in range(5):
            response = client.post(url, _mentee_post(email=f"a{n}@duo.invalid"))
            assert response.status_code == 302
        assert client.post(url, _mentee_post(email="six@duo.invalid")).status_code == 429
        clock.shift(dt.timedelta(minutes=6))  # past the database cache's default timeout
        assert client.post(url, _mentee_post(email="six@duo.invalid")).status_code == 429
        clock.shift(dt.timedelta(minutes=55))  # a new hour
        assert client.post(url, _mentee_post(email="six@duo.invalid")).status_code == 302
    assert Mentee.objects.filter(programme=programme).count() == 6
