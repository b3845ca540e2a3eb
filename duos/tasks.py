"""Celery tasks of the duos app: thin shells around services (ids in, re-load)."""

import logging

from celery import shared_task

from duos import services
from duos.imports import jobs
from duos.matching.runs import run_execute
from duos.models import MatchingRun
from duos.services import digest, follow_up, retention, trail, workspace

logger = logging.getLogger(__name__)


# Idempotent (a finished run is left alone; an unfinished one is solved again and
# its drafts replaced in one transaction): a killed worker gives the message back.
@shared_task(
    name="duos.run_matching",
    time_limit=600,
    soft_time_limit=540,
    acks_late=True,
    reject_on_worker_lost=True,
)
def run_matching(run_id: int) -> dict:
    try:
        run = run_execute(run_id)
    except MatchingRun.DoesNotExist:
        logger.warning("Matching run %s vanished before it ran", run_id)
        return {"run": run_id, "status": "missing"}
    except Exception as exc:
        MatchingRun.objects.filter(pk=run_id).update(
            status=MatchingRun.Status.FAILED, error=str(exc)[:2000]
        )
        raise
    return {"run": run_id, "status": run.status, "matched": run.matched}


@shared_task(name="duos.send_silence_reminders", time_limit=600, soft_time_limit=540)
def send_silence_reminders() -> int:
    return workspace.send_silence_reminders()


@shared_task(name="duos.send_coach_digests", time_limit=600, soft_time_limit=540)
def send_coach_digests() -> int:
    return workspace.send_coach_digests()


@shared_task(name="duos.send_coordinator_digests", time_limit=900, soft_time_limit=840)
def send_coordinator_digests() -> int:
    return digest.send_coordinator_digests()


@shared_task(name="duos.send_follow_up_requests", time_limit=600, soft_time_limit=540)
def send_follow_up_requests() -> int:
    return follow_up.send_follow_up_requests()


@shared_task(name="duos.start_agreed_proposals", time_limit=600, soft_time_limit=540)
def start_agreed_proposals() -> int:
    return services.start_agreed_proposals()


@shared_task(name="duos.prune_access_trail", time_limit=600, soft_time_limit=540)
def prune_access_trail() -> dict:
    """Nightly: the trail of views and exports kept no longer than its programme's retention."""
    return trail.trail_prune()


@shared_task(name="duos.apply_retention", time_limit=1800, soft_time_limit=1740)
def apply_retention() -> dict:
    """Nightly: participants past their programme's retention erased; uploaded
    files' content deleted after 30 days."""
    return {
        "erased": retention.erase_past_retention(),
        "uploads": retention.upload_content_prune(),
    }


# Big imports (duos.imports.jobs): ids in, the import re-loaded and its state
# checked, so a message delivered twice does nothing the second time.
@shared_task(name="duos.import_check", time_limit=900, soft_time_limit=840)
def import_check(import_id: int) -> str:
    return jobs.check_run(import_id=import_id)


@shared_task(name="duos.import_apply", time_limit=1800, soft_time_limit=1740)
def import_apply(import_id: int, actor_id: int | None) -> str:
    return jobs.apply_run(import_id=import_id, actor_id=actor_id)
