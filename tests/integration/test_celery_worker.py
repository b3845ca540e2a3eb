"""A real Celery worker on the configured broker (Redis in CI)."""

import logging
import threading

import pytest
from celery.signals import task_postrun
from django.db import transaction

from mentoring.celery import app, send_task_on_commit
from tests.factories import ProgrammeFactory

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("celery")]


def test_task_round_trip_through_the_broker(celery_worker):
    result = app.send_task("mentoring.ping")
    assert result.get(timeout=20) == "pong"


def test_worker_sees_committed_rows(celery_worker):
    ProgrammeFactory.create_batch(3)
    result = app.send_task("mentoring.healthcheck")
    payload = result.get(timeout=20)
    assert payload["programmes"] == 3
    assert payload["database"] == transaction.get_connection().vendor


def test_task_sent_on_commit_reaches_the_worker(celery_worker):
    ran = threading.Event()
    seen = {}

    def on_postrun(sender=None, retval=None, **kwargs):
        if sender.name == "mentoring.healthcheck":
            seen.update(retval)
            ran.set()

    task_postrun.connect(on_postrun, weak=False)
    try:
        with transaction.atomic():
            ProgrammeFactory()
            send_task_on_commit("mentoring.healthcheck", kwargs={})
            assert not ran.wait(timeout=1), "the task must not run before the commit"
        assert ran.wait(timeout=20), "the worker never ran the task sent on commit"
    finally:
        task_postrun.disconnect(on_postrun)
    # The worker ran after the commit, so it saw the new row.
    assert seen["programmes"] == 1


def _forget_connections():
    # Celery caches its producer pool per app; drop it so the next publish
    # connects to whatever broker_url says now.
    app.amqp._producer_pool = None
    app._pool = None


def test_unreachable_broker_never_fails_the_request(transactional_db, caplog):
    """A broker that is down logs an error; the saved data stays saved."""
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "broker_write_url")}
    app.conf.task_always_eager = False
    # Nothing listens on port 1.
    app.conf.broker_url = app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    _forget_connections()
    try:
        with caplog.at_level(logging.ERROR, logger="mentoring.celery"):
            with transaction.atomic():
                programme = ProgrammeFactory()
                send_task_on_commit("mentoring.healthcheck", kwargs={})
    finally:
        app.conf.update(saved)
        _forget_connections()
    assert type(programme).objects.filter(pk=programme.pk).exists()
    assert "Could not send task mentoring.healthcheck" in caplog.text
