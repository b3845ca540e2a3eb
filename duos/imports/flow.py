"""One pipeline for every import (participants, outcomes, historical duos):
read the file (``reader``), check the header and plan every row (``rows`` and
the importer), show the preview, and on confirmation write all the rows through
the services in one transaction, or nothing.

An importer is a list of columns and two functions: ``plan`` fills the
preview (reads the database, writes nothing), ``write`` applies one planned row
by calling the services (locks, audit, figures recomputed after the commit).
An upload is kept (``DataImport``) between its preview and its confirmation,
and applied once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duos.imports.reader import SpreadsheetError, Table, check_size, read_table
from duos.imports.rows import (
    UNCHANGED,
    ImportRejected,
    Preview,
    RowError,
    RowPlan,
    header_problems,
    remember,
)
from duos.models import DataImport
from programmes.models import Programme

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Importer:
    """One kind of import. ``plan(programme=, table=, preview=)`` adds the row
    plans, errors and warnings; ``write(actor, row, programme=)`` applies one
    changed row through the services; ``order`` sorts the rows before writing."""

    kind: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    groups: tuple[str, ...]
    plan: Callable[..., None]
    write: Callable[..., None]
    template: Callable[[], dict]
    order: Callable[[RowPlan], tuple] | None = None


@dataclass(frozen=True)
class ColumnHelp:
    """One line of a format's description on its upload page."""

    columns: tuple[str, ...]
    text: str = ""
    codes: tuple[str, ...] = ()
    who: str = ""  # whom the column is for, where a format has several kinds of rows


@dataclass(frozen=True)
class Confirmation:
    summary: dict
    applied_at: dt.datetime
    already_applied: bool


def import_preview(
    importer: Importer, *, programme: Programme, content: bytes, filename: str
) -> Preview:
    """What importing this file into ``programme`` would do; writes nothing."""
    preview = Preview(filename=filename, groups=importer.groups)
    try:
        table = read_table(content=content, filename=filename)
    except SpreadsheetError as exc:
        preview.errors.append(exc.message)
        return preview
    return _plan(importer, programme=programme, table=table, preview=preview)


def _plan(importer: Importer, *, programme: Programme, table: Table, preview: Preview) -> Preview:
    errors, preview.warnings = header_problems(
        table, columns=importer.columns, required=importer.required
    )
    preview.add_errors(errors)
    if not errors:
        importer.plan(programme=programme, table=table, preview=preview)
    return preview


def import_apply(
    actor,
    importer: Importer,
    *,
    programme: Programme,
    content: bytes,
    filename: str,
    progress: Callable[[int], None] | None = None,
) -> dict[str, dict[str, int]]:
    """Plan every row, then write all the changed ones in one transaction, or
    nothing: raises ``ImportRejected`` with every error. Returns the counts.
    ``progress(rows_written)`` is called after each row (the background job)."""
    try:
        table = read_table(content=content, filename=filename)
    except SpreadsheetError as exc:
        raise ImportRejected([exc.message]) from None
    try:
        with transaction.atomic(), set_actor(actor):
            # The programme's row serialises two imports into the same programme.
            Programme.objects.select_for_update().get(pk=programme.pk)
            preview = Preview(filename=filename, groups=importer.groups)
            _plan(importer, programme=programme, table=table, preview=preview)
            if preview.errors:
                raise ImportRejected(preview.errors)
            _write(actor, importer, programme=programme, rows=preview.rows, progress=progress)
            remember(programme=programme, kind=importer.kind, rows=preview.rows)
    except IntegrityError:
        # A record with one of these keys was written meanwhile, by someone else.
        raise ImportRejected(
            [_("The records changed while importing; nothing was written. Try again.")]
        ) from None
    except (OperationalError, InterfaceError):
        # The database went away mid-import: the transaction rolled back.
        logger.exception("Import of %s into %s interrupted", filename, programme.slug)
        raise ImportRejected(
            [_("The database could not be reached; nothing was written. Try again.")]
        ) from None
    return preview.summary()


def _write(
    actor,
    importer: Importer,
    *,
    programme: Programme,
    rows: list[RowPlan],
    progress: Callable[[int], None] | None = None,
) -> None:
    changed = [row for row in rows if row.action != UNCHANGED]
    if importer.order is not None:
        changed.sort(key=importer.order)
    for done, row in enumerate(changed, start=1):
        if progress is not None:
            progress(done)
        try:
            importer.write(actor, row, programme=programme)
        except RowError as exc:
            raise ImportRejected([exc if exc.line else exc.at(line=row.line)]) from None
        except ValidationError as exc:  # a service refused: the records changed since the plan
            problem = " ".join(exc.messages)
            raise ImportRejected([RowError(problem, line=row.line)]) from None


# --- the upload, kept between preview and confirmation ------------------------------


def upload_create(
    actor, importer: Importer, *, programme: Programme, filename: str, content: bytes
) -> DataImport:
    """Keep an uploaded file until it is confirmed (its size is checked first)."""
    check_size(size=len(content), filename=filename)
    return DataImport.objects.create(
        programme=programme,
        kind=importer.kind,
        filename=filename[-255:],
        content=content,
        uploaded_by=actor,
    )


def _arguments(data_import: DataImport) -> dict:
    return {
        "programme": data_import.programme,
        "content": bytes(data_import.content),  # a memoryview on PostgreSQL
        "filename": data_import.filename,
    }


def upload_preview(importer: Importer, *, data_import: DataImport) -> Preview:
    return import_preview(importer, **_arguments(data_import))


IMPORT_LOCK_SPACE = 4711  # the first key of the imports' advisory locks


def _claimed(pk: int, *, kind: str) -> DataImport:
    """The upload, held by this transaction until it ends, so that two
    confirmations (a double click, a job delivered twice) apply it once.

    On PostgreSQL the hold is an advisory lock, not a lock of the row: the
    job writes its progress into that row through a connection of its own
    while this transaction runs (``duos.imports.jobs``), and a row lock would
    make that write wait for the end of this very transaction, for ever."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK_SPACE, pk])
        uploads = DataImport.objects.all()
    else:
        uploads = DataImport.objects.select_for_update(of=("self",))
    return uploads.select_related("programme").get(pk=pk, kind=kind)


def upload_confirm(
    actor,
    importer: Importer,
    *,
    data_import: DataImport,
    progress: Callable[[int], None] | None = None,
) -> Confirmation:
    """Apply the upload once: a second confirmation changes nothing and says so."""
    with transaction.atomic():
        locked = _claimed(data_import.pk, kind=importer.kind)
        if locked.applied_at is not None:
            return Confirmation(locked.summary, locked.applied_at, already_applied=True)
        summary = import_apply(actor, importer, **_arguments(locked), progress=progress)
        locked.applied_at = timezone.now()
        locked.summary = summary
        locked.save(update_fields=["applied_at", "summary", "updated_at"])
        return Confirmation(summary, locked.applied_at, already_applied=False)
