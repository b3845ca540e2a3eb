"""The Celery app. Tasks are found in each app's ``tasks.py``."""

import logging
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

app = Celery("mentoring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


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


def send_task_on_commit(name: str, *, kwargs: dict) -> None:
    """Send task ``name`` once the current transaction commits.

    Lower apps ask higher ones for work by task name, so no import runs
    upward. A broker that cannot be reached never fails the user's request:
    the error is logged and the nightly job catches up. Without a broker
    (eager mode) the task runs in-process, after the commit too.
    """
    from django.db import transaction

    def send() -> None:
        try:
            if app.conf.task_always_eager:
                if name not in app.tasks:  # autodiscovery is lazy outside a worker
                    app.loader.import_default_modules()
                app.tasks[name].apply(kwargs=kwargs)
            else:
                app.send_task(name, kwargs=kwargs)
        except Exception:
            logger.exception(
                "Could not send task %s %s; the nightly job will catch up", name, kwargs
            )

    transaction.on_commit(send)
