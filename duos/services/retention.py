"""Data retention (issue 14 item 3), run nightly by Celery beat.

A participant is erased (``erasure.participant_erase``, keeping the figures)
``Programme.retention_years`` after their last duo ended, or after their
application when they never started a duo. Someone in a proposed or active
duo is never erased. The stored content of uploaded files is deleted 30 days
after the upload: the import's summary and bookkeeping stay.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from duos.models import DataImport, Duo, Mentee, Mentor
from duos.services.erasure import participant_erase
from duos.services.trail import retention_cutoff
from programmes.models import Programme

logger = logging.getLogger(__name__)

UPLOAD_DAYS = 30


def past_retention(model: type[Mentee] | type[Mentor], programme: Programme, *, now=None):
    """The programme's participants not yet erased whose data is kept no longer."""
    cutoff = retention_cutoff(programme.retention_years, now=now)
    side = "mentee" if model is Mentee else "mentor"
    duos = Duo.objects.filter(**{side: OuterRef("pk")})
    people = (
        model.objects.filter(programme=programme)
        .exclude(first_name__startswith="Erased ", last_name="", email="")
        .annotate(
            running=Exists(duos.filter(status__in=[Duo.Status.PROPOSED, Duo.Status.ACTIVE])),
            started=Exists(duos.filter(started_on__isnull=False)),
            last_ended=Max("duos__ended_on"),
        )
        .filter(running=False)
    )
    return people.filter(
        Q(started=True, last_ended__lt=cutoff.date()) | Q(started=False, created_at__lt=cutoff)
    )


def erase_past_retention(*, now=None) -> int:
    """Erase every participant past their programme's retention; how many."""
    erased = 0
    for programme in Programme.objects.only("pk", "retention_years"):
        for model in (Mentee, Mentor):
            for person in past_retention(model, programme, now=now).iterator():
                participant_erase(None, person=person)
                erased += 1
    if erased:
        logger.info("Retention: %s participants erased", erased)
    return erased


def uploads_past(*, now=None) -> QuerySet[DataImport]:
    cutoff = (now or timezone.now()) - dt.timedelta(days=UPLOAD_DAYS)
    return DataImport.objects.filter(created_at__lt=cutoff).exclude(content=b"")


def upload_content_prune(*, now=None) -> int:
    """Delete the stored content of uploads older than :data:`UPLOAD_DAYS`."""
    return uploads_past(now=now).update(content=b"")
