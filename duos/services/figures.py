"""Asking reporting to recompute a programme's figures (by task name, after commit)."""

from __future__ import annotations

from django.conf import settings

from mentoring.celery import send_task_on_commit

RECOMPUTE_TASK = "reporting.recompute_programme"


def figures_changed(programme_id: int) -> None:
    """Ask reporting (by task name: no upward import) to recompute the programme's
    figures after the commit; a burst of changes gives one run."""
    send_task_on_commit(
        RECOMPUTE_TASK,
        kwargs={"programme_id": programme_id},
        coalesce=f"figures:{programme_id}",
        countdown=settings.RECOMPUTE_DELAY_SECONDS,
    )
