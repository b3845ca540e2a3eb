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


class World:
    """Two operators with a programme each, and one person per role around programme P."""

    def __init__(self):
        from programmes.models import Role

        self.programme = factories.ProgrammeFactory(name="DUO Brussels")
        self.other_programme = factories.ProgrammeFactory(name="Other programme")
        operator = self.programme.operator
        self.coordinator = factories.MembershipFactory(
            organisation=operator, role=Role.COORDINATOR
        ).user
        self.coach = factories.MembershipFactory(organisation=operator, role=Role.COACH).user
        self.outsider = factories.MembershipFactory(
            organisation=self.other_programme.operator, role=Role.COORDINATOR
        ).user
        funder_org = factories.FunderFactory()
        self.funder = factories.MembershipFactory(
            organisation=funder_org, role=Role.FUNDER, programmes=[self.programme]
        ).user
        research = factories.OrganisationFactory(kind="research")
        self.evaluator = factories.MembershipFactory(
            organisation=research, role=Role.EVALUATOR, programmes=[self.programme]
        ).user
        self.mentor_user = factories.UserFactory()
        self.mentor = factories.MentorFactory(
            programme=self.programme, user=self.mentor_user, capacity=2
        )
        self.duo = factories.DuoFactory(
            programme=self.programme, mentor=self.mentor, coach=self.coach
        )
        self.other_duo = factories.DuoFactory(
            programme=self.programme
        )  # not this mentor's nor coach's
        self.foreign_duo = factories.DuoFactory(programme=self.other_programme)
        self.mentee = self.duo.mentee


@pytest.fixture
def world(db):
    return World()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: limits, coalescing keys and the
    coach digest's once-a-day marks must not leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a page or e-mail rendered in
    Dutch by the previous test must not leave Dutch number formats behind
    (the middleware activates the request's language on the test's thread)."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
