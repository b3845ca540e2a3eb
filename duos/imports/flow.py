"""An uploaded spreadsheet kept between its preview and its confirmation, for
every import (participants, outcomes): stored once, applied once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from duos.imports.reader import check_size
from duos.models import DataImport
from programmes.models import Programme


@dataclass(frozen=True)
class Confirmation:
    summary: dict
    applied_at: dt.datetime
    already_applied: bool


def upload_create(
    actor, *, programme: Programme, kind: str, filename: str, content: bytes
) -> DataImport:
    """Keep an uploaded file until it is confirmed (its size is checked first)."""
    check_size(size=len(content), filename=filename)
    return DataImport.objects.create(
        programme=programme, kind=kind, filename=filename[-255:], content=content, uploaded_by=actor
    )


def upload_arguments(data_import: DataImport) -> dict:
    return {
        "programme": data_import.programme,
        "content": bytes(data_import.content),  # a memoryview on PostgreSQL
        "filename": data_import.filename,
    }


def upload_confirm(actor, *, data_import: DataImport, kind: str, apply: Callable) -> Confirmation:
    """Apply the upload once: a second confirmation changes nothing and says so."""
    with transaction.atomic():
        locked = (
            DataImport.objects.select_for_update(of=("self",))
            .select_related("programme")
            .get(pk=data_import.pk, kind=kind)
        )
        if locked.applied_at is not None:
            return Confirmation(locked.summary, locked.applied_at, already_applied=True)
        summary = apply(actor, **upload_arguments(locked))
        locked.applied_at = timezone.now()
        locked.summary = summary
        locked.save(update_fields=["applied_at", "summary", "updated_at"])
        return Confirmation(summary, locked.applied_at, already_applied=False)
