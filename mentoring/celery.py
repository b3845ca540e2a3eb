"""The Celery app. Tasks are found in each app's ``tasks.py``."""

import logging
import os

from celery import Celery
from celery.signals import task_postrun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

app = Celery("mentoring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


@task_postrun.connect
def _record_beat_job(sender=None, state=None, **_kwargs) -> None:
    """The last successful run of each beat job, for /healthz."""
    from django.conf import settings

    name = getattr(sender, "name", "")
    beat = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    if state == "SUCCESS" and name in beat:
        from mentoring.health import record_job_run

        try:
            record_job_run(name)
        except Exception:
            logger.exception("Could not record the run of %s", name)


@app.task(name="mentoring.ping")
def ping() -> str:
    """Health check of the worker: `celery -A mentoring call mentoring.ping`."""
    return "pong"


@app.task(name="mentoring.healthcheck")
def healthcheck() -> dict:
    """The worker reaches the database and sees committed rows."""
    from django.db import connection

    from programmes.models import Programme

    return {"database": connection.vendor, "programmes": Programme.objects.count()}


def _pending_key(coalesce: str) -> str:
    return f"duo:pending-task:{coalesce}"


def release_coalesced(coalesce: str) -> None:
    """Called by a coalesced task when it starts: later changes schedule a new run."""
    from django.core.cache import cache

    cache.delete(_pending_key(coalesce))


def send_task_on_commit(
    name: str, *, kwargs: dict, coalesce: str | None = None, countdown: int = 0
) -> None:
    """Send task ``name`` once the current transaction commits.

    Lower apps ask higher ones for work by task name, so no import runs
    upward. A broker that cannot be reached never fails the user's request:
    the error is logged and the nightly job catches up. Without a broker
    (eager mode) the task runs in-process, after the commit too.

    ``coalesce`` names the work: within one transaction it is sent once; with a
    broker, while one such task is waiting (``countdown`` seconds), further
    sends are dropped, so a burst of changes gives one run.
    """
    from django.core.cache import cache
    from django.db import transaction

    connection = transaction.get_connection()
    if coalesce and connection.in_atomic_block:
        queued = (
            getattr(func, "duo_coalesce", None) for _sids, func, *_r in connection.run_on_commit
        )
        if coalesce in queued:
            return

    def send() -> None:
        eager = app.conf.task_always_eager
        key = _pending_key(coalesce) if coalesce else None
        if key and not eager and not cache.add(key, 1, timeout=countdown + 600):
            return  # one is already on its way
        try:
            if eager:
                if name not in app.tasks:  # autodiscovery is lazy outside a worker
                    app.loader.import_default_modules()
                app.tasks[name].apply(kwargs=kwargs)
            else:
                # Fire and forget: with a result backend configured, Celery
                # would otherwise subscribe to the result at once, and with
                # Redis down that reconnects for ~20 s inside the request.
                app.send_task(name, kwargs=kwargs, countdown=countdown or None, ignore_result=True)
        except Exception:
            if key:
                cache.delete(key)
            logger.exception(
                "Could not send task %s %s; the nightly job will catch up", name, kwargs
            )

    send.duo_coalesce = coalesce
    transaction.on_commit(send)
