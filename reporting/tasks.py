"""Recomputing figures: a thin Celery shell around reporting.services."""

import logging

from celery import shared_task

from mentoring.celery import release_coalesced
from programmes.models import Programme

from .services import snapshot_compute

logger = logging.getLogger(__name__)


@shared_task(
    name="reporting.recompute_programme",
    # Idempotent (a new version equal to the last): a worker killed mid-way
    # gives the message back to the broker instead of losing it.
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_kwargs={"max_retries": 3},
    time_limit=300,
    soft_time_limit=240,
)
def recompute_programme(programme_id: int, trigger: str = "change") -> dict | None:
    # Released first: a change made while this runs schedules another run.
    release_coalesced(f"figures:{programme_id}")
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        logger.info("Programme %s is gone; nothing to recompute", programme_id)
        return None
    snapshot = snapshot_compute(programme=programme, trigger=trigger)
    return {"programme": programme.slug, "version": snapshot.version}


@shared_task(name="reporting.recompute_all", time_limit=1800, soft_time_limit=1700)
def recompute_all() -> int:
    """The nightly catch-up: whatever a down broker lost is recomputed here."""
    count = 0
    for programme in Programme.objects.order_by("pk"):
        try:
            snapshot_compute(programme=programme, trigger="nightly")
        except Exception:  # one programme's failure must not stop the others
            logger.exception("Nightly recompute of %s failed", programme.slug)
            continue
        count += 1
    return count
