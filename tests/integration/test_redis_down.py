"""Redis down (broker and result store unreachable): a coordinator still saves
an outcome, with no 500 and no long wait; the failure is logged and the
nightly job catches up (issue 14 item 5; DESIGN.md "Snapshots")."""

import time

import pytest
from celery.backends.redis import RedisBackend
from celery.result import _set_task_join_will_block
from django.urls import reverse

from duos.models import Outcome
from mentoring import celery as celery_module
from mentoring.celery import app
from reporting.models import RateSnapshot
from reporting.tasks import recompute_all
from tests.factories import DuoFactory
from tests.integration.test_celery_worker import _forget_connections

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("celery")]

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def _save_outcome(client, duo) -> tuple[int, float]:
    started = time.perf_counter()
    response = client.post(
        reverse("duos:outcome_edit", args=[duo.uuid, "exit"]),
        {"status": "employed", "contract_type": "", "date": "", "source": "coordinator"},
    )
    return response.status_code, time.perf_counter() - started


def _forget_backend():
    """Celery caches the broker pool and the result backend: drop both, so the
    next send connects to what the configuration says now."""
    _forget_connections()
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def redis_down():
    keys = ("task_always_eager", "broker_url", "broker_write_url")
    saved = {key: app.conf[key] for key in keys}

    def down():
        app.conf.task_always_eager = False
        app.conf.broker_url = app.conf.broker_write_url = NOWHERE
        _forget_backend()
        app._backend = RedisBackend(app=app, url=NOWHERE)
        # As in a web process: an eager task run earlier in this test process
        # leaves Celery believing it runs inside a worker (no result subscribe).
        _set_task_join_will_block(False)

    yield down
    app.conf.update(saved)
    _forget_backend()


def test_saving_an_outcome_with_redis_down_is_as_quick_and_logged(
    transactional_db, client, world, redis_down, monkeypatch
):
    client.force_login(world.coordinator)
    up_duo, down_duo = (DuoFactory(programme=world.programme, ended=True) for _ in range(2))
    status, with_redis = _save_outcome(client, up_duo)  # eager here: nothing to reach
    assert status == 302
    redis_down()
    logged = []
    monkeypatch.setattr(
        celery_module.logger, "exception", lambda message, *args: logged.append(message % args)
    )
    status, without_redis = _save_outcome(client, down_duo)
    assert status == 302
    assert Outcome.objects.filter(duo=down_duo, point="exit", status="employed").exists()
    assert without_redis < with_redis + 1.0, (with_redis, without_redis)
    assert any("the nightly job will catch up" in line for line in logged), logged


def test_the_nightly_job_brings_the_figures_up_to_date_once_redis_is_back(
    transactional_db, client, world, redis_down
):
    client.force_login(world.coordinator)
    duo = DuoFactory(programme=world.programme, ended=True)
    redis_down()
    assert _save_outcome(client, duo)[0] == 302  # its recompute could not be sent
    assert not RateSnapshot.objects.filter(programme=world.programme).exists()
    # Redis is back (the fixture restores it); the nightly job runs.
    recompute_all.apply()
    snapshot = RateSnapshot.objects.filter(programme=world.programme).latest("version")
    all_cohorts = next(
        row
        for row in snapshot.rows
        if row["cohort"] is None and row["point"] == "exit" and row["denominator"] == "started"
    )
    assert all_cohorts["counts"]["employed"] == 1


def test_signing_in_works_with_redis_down(transactional_db, client, world, redis_down):
    """Sign-in and its rate limits live in the database cache, not in Redis."""
    world.coordinator.set_password("a-Long-coordinator-Passw0rd")
    world.coordinator.save()
    redis_down()
    started = time.perf_counter()
    response = client.post(
        reverse("account_login"),
        {"login": world.coordinator.email, "password": "a-Long-coordinator-Passw0rd"},
    )
    assert response.status_code == 302 and time.perf_counter() - started < 2
    assert client.get(reverse("home")).status_code == 200
