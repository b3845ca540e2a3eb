"""Publishing a funder's yearly report: its figures frozen into the record."""

from __future__ import annotations

import datetime as dt

from auditlog.context import set_actor
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from programmes.access import coordinated_programmes
from programmes.models import Funding, Programme

from ..models import PublishedReport
from ..services import latest_snapshot
from .data import report_data
from .esf import esf_rows

FIRST_YEAR, LAST_YEAR = 1990, 2100


def _check(*, programme: Programme, funding: Funding, year: int, language: str) -> None:
    if funding.programme_id != programme.pk:
        raise ValidationError({"funding": _("This funding is not one of the programme's.")})
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose Dutch, French or English.")})
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": _("Give a year between 1990 and 2100.")})
    if not funding.starts_on.year <= year <= funding.ends_on.year:
        raise ValidationError(
            {
                "year": _("The funding runs from %(start)s to %(end)s: choose one of those years.")
                % {"start": funding.starts_on.year, "end": funding.ends_on.year}
            }
        )


def report_publish(
    actor,
    *,
    programme: Programme,
    funding: Funding,
    year: int,
    language: str,
    include_esf: bool,
) -> PublishedReport:
    """Freeze the yearly report of ``funding`` for ``year`` from the programme's
    latest snapshot, as the next report version of the programme. Only the
    programme's coordinators publish."""
    if not coordinated_programmes(actor).filter(pk=programme.pk).exists():
        raise PermissionDenied
    _check(programme=programme, funding=funding, year=year, language=language)
    snapshot = latest_snapshot(programme)
    if snapshot is None:
        raise ValidationError(
            _("The figures have not been computed yet: publish once they have been.")
        )
    now = timezone.now()
    esf = esf_rows(programme=programme, year=year, language=language) if include_esf else None
    data = report_data(
        snapshot=snapshot,
        funding=funding,
        year=year,
        language=language,
        today=timezone.localdate(now),
        esf=esf,
    )
    with transaction.atomic(), set_actor(actor):
        # The programme's row lock serialises two publications' version numbers.
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        last = PublishedReport.objects.filter(programme=programme).aggregate(v=Max("version"))
        version = (last["v"] or 0) + 1
        with translation.override(language):
            published_text = formats.date_format(timezone.localtime(now), "DATETIME_FORMAT")
        data |= {
            "version": version,
            "published_at": now.isoformat(timespec="seconds"),
            "published_text": published_text,
        }
        return PublishedReport.objects.create(
            programme=programme,
            funding=funding,
            year=year,
            language=language,
            snapshot=snapshot,
            version=version,
            data=data,
            published_by=actor,
        )


def publishable_years(funding: Funding, *, today: dt.date) -> list[int]:
    """The years of the funding up to this one (a report of a year to come says nothing)."""
    last = min(funding.ends_on.year, today.year)
    return list(range(funding.starts_on.year, last + 1))
