"""Figures recomputed by a real Celery worker on the broker (Redis in CI)."""

import time

import pytest
from django.core.cache import cache

from duos.services import outcome_record
from mentoring.celery import app
from reporting.models import RateSnapshot
from reporting.tasks import recompute_all
from tests.factories import DuoFactory, ProgrammeFactory, UserFactory
from tests.integration.test_celery_worker import _forget_connections

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("celery")]


def _wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def quick_recompute(settings):
    settings.RECOMPUTE_DELAY_SECONDS = 1
    cache.clear()


def test_worker_writes_a_snapshot_after_an_outcome_is_saved(celery_worker, quick_recompute):
    duo = DuoFactory(ended=True)
    outcome_record(UserFactory(), duo=duo, point="exit", status="employed", source="coordinator")
    assert _wait_for(lambda: RateSnapshot.objects.filter(programme=duo.programme).exists())
    snapshot = RateSnapshot.objects.get(programme=duo.programme)
    assert snapshot.rows[0]["counts"]["employed"] == 1


def test_a_burst_of_500_changes_gives_at_most_5_recomputes(
    celery_worker, quick_recompute, settings
):
    settings.RECOMPUTE_DELAY_SECONDS = 5  # the production default is 10
    programme = ProgrammeFactory()
    duos = DuoFactory.create_batch(25, programme=programme, ended=True)
    statuses = ["employed", "training", "still_searching", "internship"]
    started = time.monotonic()
    for i in range(500):  # 500 separate transactions (autocommit)
        duo = duos[i % len(duos)]
        outcome_record(None, duo=duo, point="exit", status=statuses[i % 4], source="coordinator")
    expected_employed = sum(1 for i in range(475, 500) if i % 4 == 0)
    assert _wait_for(
        lambda: (
            (s := programme.rate_snapshots.order_by("-version").first()) is not None
            and s.rows[0]["counts"]["employed"] == expected_employed
        )
    )
    burst = time.monotonic() - started
    time.sleep(2)  # let any straggler run
    # One run per delay window at most (5 when the burst takes under 20 s, as
    # on an idle machine; a loaded one takes longer, and gets as many windows).
    assert 1 <= programme.rate_snapshots.count() <= max(5, int(burst // 5) + 2)


def test_broker_down_saving_succeeds_and_the_nightly_job_catches_up(
    transactional_db, quick_recompute, caplog
):
    duo = DuoFactory(ended=True)
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "broker_write_url")}
    app.conf.task_always_eager = False
    app.conf.broker_url = app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    _forget_connections()
    try:
        outcome = outcome_record(
            UserFactory(), duo=duo, point="exit", status="employed", source="coordinator"
        )
    finally:
        app.conf.update(saved)
        _forget_connections()
    assert outcome.pk and "Could not send task reporting.recompute_programme" in caplog.text
    assert not RateSnapshot.objects.exists()
    recompute_all.apply()
    assert RateSnapshot.objects.get(programme=duo.programme).rows[0]["counts"]["employed"] == 1
