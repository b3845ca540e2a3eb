"""Big imports off the request (issue 17): a file of more than ``BACKGROUND_ROWS``
rows is checked and applied by Celery jobs, and its page shows their progress.

States of a ``DataImport`` (``state``): ``uploaded`` (a small file: checked and
applied in the request, as before) or, for a big one, ``checking`` (the job
plans every row) → ``ready`` (the preview is kept in ``summary["preview"]``) →
``applying`` → ``applied`` | ``failed`` (``error`` says why; nothing was
written). The same all-or-nothing guarantee: the apply job writes every row in
one transaction through ``flow.upload_confirm``.

The request only stores the file and sends the job after its transaction
commits; when the broker cannot be reached the import is marked failed at once
with a message saying so, and the request still answers quickly (the broker's
connect timeout is 2 s, settings ``CELERY_BROKER_CONNECTION_TIMEOUT``).

Progress of the apply job is written by a second database connection of its
own (PostgreSQL), outside the import's transaction, so the page sees it while
the rows are still uncommitted.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from django.utils.translation import gettext_lazy

from duos.imports import flow
from duos.imports.rows import CREATE, UNCHANGED, ImportRejected, RowPlan
from duos.models import DataImport

logger = logging.getLogger(__name__)

BACKGROUND_ROWS = 300  # more rows than this: checked and applied by a job
ROWS_KEPT = 1000  # the preview's rows kept for the page (the counts cover them all)
PROGRESS_EVERY = 500  # rows between two progress updates

UPLOADED, CHECKING, READY, APPLYING, APPLIED, FAILED = (
    "uploaded",
    "checking",
    "ready",
    "applying",
    "applied",
    "failed",
)
RUNNING = (CHECKING, APPLYING)


def in_background(*, rows: int) -> bool:
    return rows > BACKGROUND_ROWS


# --- sending the jobs ---------------------------------------------------------------


def dispatch(name: str, kwargs: dict) -> None:
    """Send the job to the broker, or run it in-process without one (eager mode:
    the embedded default and the tests). Raises when the broker is down."""
    from mentoring.celery import app

    if app.conf.task_always_eager:
        if name not in app.tasks:  # autodiscovery is lazy outside a worker
            app.loader.import_default_modules()
        app.tasks[name].apply(kwargs=kwargs)
    else:
        app.send_task(name, kwargs=kwargs, ignore_result=True)


# Lazy: turned into words when the request that sent the job stores it.
WORKER_DOWN = gettext_lazy(
    "The background worker could not be reached, so the file was not processed and nothing "
    "was imported. Try again in a few minutes; if it keeps failing, tell your administrator."
)
# A job's failure that no one can fix by changing the file (the exception is logged).
UNEXPECTED = gettext_lazy("Nothing was imported: an unexpected error stopped the job.")


def _send_on_commit(data_import: DataImport, name: str, kwargs: dict) -> None:
    pk = data_import.pk

    def send() -> None:
        try:
            dispatch(name, kwargs)
        except Exception:
            logger.exception("Could not send %s for import %s", name, pk)
            DataImport.objects.filter(pk=pk, state__in=RUNNING).update(
                state=FAILED, error=str(WORKER_DOWN)
            )

    transaction.on_commit(send)


def check_start(
    actor, importer: flow.Importer, *, programme, filename: str, content: bytes, rows: int
) -> DataImport:
    """Keep the file and send the checking job after the commit."""
    with transaction.atomic():
        data_import = flow.upload_create(
            actor, importer, programme=programme, filename=filename, content=content
        )
        data_import.state = CHECKING
        data_import.rows_total = rows
        data_import.save(update_fields=["state", "rows_total", "updated_at"])
        _send_on_commit(data_import, "duos.import_check", {"import_id": data_import.pk})
    return data_import


def apply_start(actor, *, data_import: DataImport) -> bool:
    """Move a checked, error-free import to ``applying`` and send the job; False
    when it is not ready (already applying, applied or failed)."""
    with transaction.atomic():
        moved = DataImport.objects.filter(
            pk=data_import.pk, state=READY, applied_at__isnull=True
        ).update(state=APPLYING, rows_done=0)
        if not moved:
            return False
        _send_on_commit(
            data_import, "duos.import_apply", {"import_id": data_import.pk, "actor_id": actor.pk}
        )
    return True


# --- the jobs --------------------------------------------------------------------------


def kept_row(row: RowPlan) -> dict:
    """One row of the preview in text (JSON, kept for a big import's page; the
    page of a small one shows the same)."""
    return {
        "line": row.line,
        "cells": [cell_text(c) for c in row.shown],
        "action": {CREATE: "new", UNCHANGED: "unchanged"}.get(row.action, "updated"),
        "changes": [
            [name, cell_text(old), cell_text(new)] for name, (old, new) in row.changes.items()
        ],
    }


def cell_text(value) -> str:
    """A cell as the preview shows it: "—" for nothing, ISO dates, "a; b" lists."""
    if value in (None, ""):
        return "—"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value) or "—"
    return str(value)


def importer_for(kind: str) -> flow.Importer:
    from duos.imports import history, outcomes, participants

    return {
        participants.IMPORTER.kind: participants.IMPORTER,
        outcomes.IMPORTER.kind: outcomes.IMPORTER,
        history.IMPORTER.kind: history.IMPORTER,
    }[kind]


def check_run(*, import_id: int) -> str:
    """The checking job: plan every row, keep the preview. Idempotent: an import
    that is no longer being checked is left alone."""
    data_import = DataImport.objects.select_related("programme").filter(pk=import_id).first()
    if data_import is None or data_import.state != CHECKING:
        return "skipped"
    try:
        preview = flow.upload_preview(importer_for(data_import.kind), data_import=data_import)
    except Exception:
        # The exception's own text means nothing to a coordinator: it is logged.
        logger.exception("Checking import %s failed", import_id)
        _fail(import_id, str(UNEXPECTED))
        raise
    kept = {
        "errors": preview.errors[:200],
        "errors_total": len(preview.errors),
        "warnings": preview.warnings,
        "rows": [kept_row(row) for row in preview.rows[:ROWS_KEPT]],
        "rows_total": len(preview.rows),
        "counts": preview.summary(),
    }
    DataImport.objects.filter(pk=import_id, state=CHECKING).update(
        state=READY,
        summary={"preview": kept},
        rows_done=data_import.rows_total,
    )
    return READY


def apply_run(*, import_id: int, actor_id: int | None) -> str:
    """The apply job: every row in one transaction (``flow.upload_confirm``), or
    nothing, with the progress written beside it. Idempotent: an import applied
    already is not applied again."""
    data_import = DataImport.objects.select_related("programme").filter(pk=import_id).first()
    if data_import is None or data_import.state != APPLYING:
        return "skipped"
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    report = _Progress(import_id)
    try:
        result = flow.upload_confirm(
            actor, importer_for(data_import.kind), data_import=data_import, progress=report
        )
    except ImportRejected as exc:
        _fail(import_id, " ".join(str(e) for e in exc.errors[:20]))
        return FAILED
    except Exception as exc:
        logger.exception("Applying import %s failed", import_id)
        _fail(import_id, str(UNEXPECTED))
        raise exc from None
    finally:
        report.close()
    DataImport.objects.filter(pk=import_id).update(state=APPLIED, rows_done=data_import.rows_total)
    return APPLIED if not result.already_applied else "skipped"


def _fail(import_id: int, message: str) -> None:
    DataImport.objects.filter(pk=import_id).update(state=FAILED, error=message[:4000])


class _Progress:
    """Writes ``rows_done`` through a connection of its own (PostgreSQL), so that
    the page sees it while the import's transaction is still open. On SQLite (one
    writer at a time) progress is only written at the end."""

    def __init__(self, import_id: int):
        self.import_id = import_id
        self.own = (
            connections.create_connection("default") if connection.vendor == "postgresql" else None
        )

    def __call__(self, done: int) -> None:
        if self.own is None or done % PROGRESS_EVERY:
            return
        try:
            with self.own.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {DataImport._meta.db_table} SET rows_done = %s WHERE id = %s",
                    [done, self.import_id],
                )
        except Exception:  # progress is a nicety: never stop the import for it
            logger.warning("Could not write the progress of import %s", self.import_id)

    def close(self) -> None:
        if self.own is not None:
            self.own.close()
