"""The evaluator's pseudonymised duo-level export (STACK.md "Privacy notes").

Research ids are an HMAC of the row's id with ``RESEARCH_ID_KEY``, a key kept
outside the database and the export: the same person keeps the same id across
exports, and nobody holding the export alone can link it back. Ages are bands,
places are provinces, dates are months; no names, contacts, references, notes,
free text or special-category data."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db.models import Count, Exists, F, FilteredRelation, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from numpy import array

from duos.matching.engine import province_of
from duos.models import AgeBand, Duo
from programmes.models import Programme

PROVINCES = {
    0: "",
    1: "brussels",
    2: "walloon_brabant",
    3: "flemish_brabant",
    4: "antwerp",
    5: "limburg",
    6: "liege",
    7: "namur",
    8: "hainaut",
    9: "luxembourg",
    10: "west_flanders",
    11: "east_flanders",
}
HEADER = [
    "research_id",
    "mentor_research_id",
    "duo_number",
    "cohort",
    "age_band_at_entry",
    "gender",
    "education_level",
    "province",
    "started_month",
    "planned_end_month",
    "ended_month",
    "status",
    "end_reason",
    "exit_status",
    "exit_contract",
    "follow_up_status",
    "follow_up_contract",
    "meetings",
    "is_last_duo",
]


def research_id(kind: str, programme_id: int, pk: int) -> str:
    message = f"{kind}:{programme_id}:{pk}".encode()
    return hmac.new(settings.RESEARCH_ID_KEY.encode(), message, hashlib.sha256).hexdigest()[:16]


def _month(day) -> str:
    return day.strftime("%Y-%m") if day else ""


def _age_band(duo) -> str:
    if duo.mentee.age_band_at_entry:
        return duo.mentee.age_band_at_entry
    if duo.mentee.birth_date and duo.first_start:
        years = duo.first_start.year - duo.mentee.birth_date.year
        years -= (duo.first_start.month, duo.first_start.day) < (
            duo.mentee.birth_date.month,
            duo.mentee.birth_date.day,
        )
        return AgeBand.for_age(years).value
    return ""


def research_duos(programme: Programme):
    """Every started duo of the programme with what the export needs, in one query."""
    mentee_duos = Duo.objects.filter(mentee_id=OuterRef("mentee_id"), started_on__isnull=False)
    earlier = mentee_duos.filter(started_on__lt=OuterRef("started_on")).order_by()
    return (
        Duo.objects.filter(programme=programme, started_on__isnull=False)
        .select_related("mentee")
        .only(
            "pk",
            "mentor_id",
            "status",
            "end_reason",
            "started_on",
            "planned_end_on",
            "ended_on",
            "mentee__id",
            "mentee__gender",
            "mentee__education_level",
            "mentee__postcode",
            "mentee__age_band_at_entry",
            "mentee__birth_date",
        )
        .annotate(
            exit_outcome=FilteredRelation("outcomes", condition=Q(outcomes__point="exit")),
            follow_up_outcome=FilteredRelation(
                "outcomes", condition=Q(outcomes__point="follow_up")
            ),
        )
        .annotate(
            exit_status=Coalesce(F("exit_outcome__status"), Value("")),
            exit_contract=Coalesce(F("exit_outcome__contract_type"), Value("")),
            follow_up_status=Coalesce(F("follow_up_outcome__status"), Value("")),
            follow_up_contract=Coalesce(F("follow_up_outcome__contract_type"), Value("")),
            meeting_count=Subquery(
                Duo.objects.filter(pk=OuterRef("pk")).annotate(n=Count("meetings")).values("n")[:1]
            ),
            duo_number=Subquery(
                earlier.values("mentee_id").annotate(n=Count("pk")).values("n")[:1]
            ),
            first_start=Subquery(
                mentee_duos.order_by().values("mentee_id").annotate(f=Min("started_on")).values("f")
            ),
            is_last=~Exists(mentee_duos.filter(started_on__gt=OuterRef("started_on"))),
        )
        .order_by("started_on", "pk")
    )


def research_rows(*, programme: Programme) -> dict:
    duos = list(research_duos(programme))
    postcodes = array([int(d.mentee.postcode) if d.mentee.postcode.isdigit() else 0 for d in duos])
    provinces = province_of(postcodes) if duos else []
    rows = []
    for duo, province in zip(duos, provinces, strict=True):
        rows.append(
            [
                research_id("mentee", programme.pk, duo.mentee_id),
                research_id("mentor", programme.pk, duo.mentor_id),
                (duo.duo_number or 0) + 1,
                duo.first_start.year if duo.first_start else "",
                _age_band(duo),
                duo.mentee.gender,
                duo.mentee.education_level,
                PROVINCES[int(province)],
                _month(duo.started_on),
                _month(duo.planned_end_on),
                _month(duo.ended_on),
                duo.status,
                duo.end_reason,
                duo.exit_status,
                duo.exit_contract,
                duo.follow_up_status,
                duo.follow_up_contract,
                duo.meeting_count or 0,
                "true" if duo.is_last else "false",
            ]
        )
    return {"header": HEADER, "rows": rows}
