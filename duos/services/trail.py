"""Who saw whom: the views and downloads of people's records (``PersonAccess``).

Called from the views, never from templates or signals. A page view costs one
INSERT. Where from is the client's address as the server set it
(``REMOTE_ADDR``: behind the proxy, the server writes it; a header the client
sends is never believed) and its browser, truncated.

The nightly :func:`trail_prune` keeps the trail as long as the programme keeps
its data (``Programme.retention_years``) and not longer.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from duos.models import Duo, Mentee, Mentor, PersonAccess
from duos.models.trail import USER_AGENT_LIMIT
from programmes.models import AccessRecord, Programme

# An export of at most this many rows names each of its people in the trail
# (one INSERT); a bigger one is logged by its filters only (its AccessRecord).
EXPORT_NAMES_LIMIT = 200


@dataclass(frozen=True)
class Where:
    """Where a view or a download came from."""

    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def of(cls, request) -> Where:
        return cls(
            ip=_ip(request.META.get("REMOTE_ADDR", "")),
            user_agent="".join(
                c for c in request.META.get("HTTP_USER_AGENT", "") if c.isprintable()
            )[:USER_AGENT_LIMIT],
        )


def _ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:  # a unix socket, a test client without one
        return None


def _row(actor, *, what: str, programme_id: int, where: Where, **people) -> PersonAccess:
    return PersonAccess(
        user=actor if getattr(actor, "pk", None) else None,
        what=what,
        programme_id=programme_id,
        ip=where.ip,
        user_agent=where.user_agent[:USER_AGENT_LIMIT],
        **people,
    )


def _person(person: Mentee | Mentor) -> dict:
    return {"mentee": person} if isinstance(person, Mentee) else {"mentor": person}


def person_viewed(actor, *, person: Mentee | Mentor, where: Where) -> PersonAccess:
    """The person page (a mentee's or a mentor's) was shown."""
    row = _row(
        actor,
        what=PersonAccess.What.PERSON_PAGE,
        programme_id=person.programme_id,
        where=where,
        **_person(person),
    )
    row.save(force_insert=True)
    return row


def duo_viewed(actor, *, duo: Duo, where: Where) -> PersonAccess:
    """A duo's page was shown: it shows its mentee's and its mentor's data."""
    row = _row(
        actor,
        what=PersonAccess.What.DUO_PAGE,
        programme_id=duo.programme_id,
        where=where,
        mentee_id=duo.mentee_id,
        mentor_id=duo.mentor_id,
        duo_id=duo.pk,
    )
    row.save(force_insert=True)
    return row


def export_logged(
    actor, *, record: AccessRecord, queryset: QuerySet, where: Where
) -> list[PersonAccess]:
    """Name the people of a small export of mentees, mentors or duos.

    ``record`` is the export's AccessRecord (filters, row count, format): a
    bigger export than :data:`EXPORT_NAMES_LIMIT` rows is logged by it alone."""
    if record.rows > EXPORT_NAMES_LIMIT or queryset.model not in (Mentee, Mentor, Duo):
        return []
    what = PersonAccess.What.PARTICIPANT_EXPORT
    if queryset.model is Duo:
        fields = ("programme_id", "mentee_id", "mentor_id", "pk")
        people = [
            {"mentee_id": mentee, "mentor_id": mentor, "duo_id": duo, "programme_id": programme}
            for programme, mentee, mentor, duo in queryset.values_list(*fields)
        ]
    else:
        key = "mentee_id" if queryset.model is Mentee else "mentor_id"
        people = [
            {key: pk, "programme_id": programme}
            for pk, programme in queryset.values_list("pk", "programme_id")
        ]
    rows = [
        _row(actor, what=what, where=where, export=record, **person)
        for person in people[:EXPORT_NAMES_LIMIT]
    ]
    return PersonAccess.objects.bulk_create(rows)


def subject_access_exported(
    actor, *, person: Mentee | Mentor, where: Where, record: AccessRecord | None = None
) -> PersonAccess:
    """The hook for the subject-access export (GDPR art. 15): the person's own
    data handed out. Call it from that export's view, with its AccessRecord."""
    row = _row(
        actor,
        what=PersonAccess.What.SUBJECT_ACCESS_EXPORT,
        programme_id=person.programme_id,
        where=where,
        export=record,
        **_person(person),
    )
    row.save(force_insert=True)
    return row


# --- retention ---------------------------------------------------------------------


def retention_cutoff(years: int, *, now=None):
    return (now or timezone.now()) - relativedelta(years=years)


def trail_prune(*, now=None) -> dict[str, int]:
    """Delete the trail older than its programme's data retention: the views
    and downloads of people (``PersonAccess``) and the export records
    (``AccessRecord``). An export across programmes (no programme on its
    record) is kept as long as the longest retention of all programmes."""
    now = now or timezone.now()
    deleted = {"person_access": 0, "access_records": 0}
    programmes: Iterable[Programme] = Programme.objects.only("pk", "retention_years")
    with transaction.atomic():
        for programme in programmes:
            cutoff = retention_cutoff(programme.retention_years, now=now)
            n, _by_model = PersonAccess.objects.filter(programme=programme, at__lt=cutoff).delete()
            deleted["person_access"] += n
            n, _by_model = AccessRecord.objects.filter(programme=programme, at__lt=cutoff).delete()
            deleted["access_records"] += n
        longest = Programme.objects.aggregate(years=Max("retention_years"))["years"]
        if longest:
            cutoff = retention_cutoff(longest, now=now)
            n, _by_model = AccessRecord.objects.filter(
                programme__isnull=True, at__lt=cutoff
            ).delete()
            deleted["access_records"] += n
    return deleted
