"""`/healthz`: is Duo able to work? For load balancers and monitoring: JSON,
no sign-in, no personal data.

- database: a trivial query;
- broker: a connection with a short timeout ("eager" when no broker is
  configured: tasks run in the web process);
- figures: the age of the newest snapshot;
- jobs: when each beat job last finished (recorded by a Celery signal).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from mentoring.celery import app
from programmes.access import public
from reporting.models import RateSnapshot

logger = logging.getLogger(__name__)

JOB_KEY = "duo:job-last-run:{}"


def record_job_run(task_name: str) -> None:
    """Called when a beat job finishes (see mentoring/celery.py)."""
    cache.set(JOB_KEY.format(task_name), timezone.now().isoformat(), timeout=None)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        logger.exception("Health check: the database is not reachable")
        return "error"


def _broker() -> str:
    if app.conf.task_always_eager:
        return "eager"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return "ok"
    except Exception:
        logger.warning("Health check: the broker is not reachable", exc_info=True)
        return "error"


def _newest_snapshot_age() -> float | None:
    newest = (
        RateSnapshot.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()
    )
    return round((timezone.now() - newest).total_seconds()) if newest else None


def _jobs() -> dict[str, str | None]:
    names = sorted({entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()})
    try:
        found = cache.get_many([JOB_KEY.format(name) for name in names])
    except Exception:
        logger.exception("Health check: the cache is not reachable")
        found = {}
    return {name: found.get(JOB_KEY.format(name)) for name in names}


@public
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    database = _database()
    body = {
        "database": database,
        "broker": _broker(),
        "newest_snapshot_age_seconds": _newest_snapshot_age() if database == "ok" else None,
        "jobs_last_run": _jobs(),
    }
    healthy = database == "ok" and body["broker"] in ("ok", "eager")
    body["status"] = "ok" if healthy else "error"
    return JsonResponse(body, status=200 if healthy else 503)
