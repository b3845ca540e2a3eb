import os
import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from mentoring.celery import app

BROKER = os.environ.get("CELERY_BROKER_URL", "")


def _skip_or_fail_without_broker():
    if BROKER:
        return
    if os.environ.get("DUO_REQUIRE_BROKER") == "1":
        pytest.fail("DUO_REQUIRE_BROKER=1 but CELERY_BROKER_URL is not set")
    pytest.skip("CELERY_BROKER_URL is not set: the real Celery worker tests are skipped")


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (in-process, own thread) consuming a queue of its own.

    It shares the test database because it runs in this process; the data it
    must see is committed (transactional_db), as in production.
    """
    _skip_or_fail_without_broker()
    queue = f"duo-test-{uuid.uuid4().hex[:12]}"
    saved = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        with start_worker(
            app,
            pool="solo",
            concurrency=1,
            queues=[queue],
            perform_ping_check=False,
            shutdown_timeout=10,
        ) as worker:
            yield worker
    finally:
        app.conf.update(saved)
