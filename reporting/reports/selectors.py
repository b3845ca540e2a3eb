"""Who sees which published report (DESIGN.md "Who sees what"): a programme's
coordinators all of them; a funder or an evaluator granted the programme only
the reports of their own organisation's fundings — never another funder's money."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from programmes.access import GRANTED_ROLES, coordinated_programmes, live_memberships
from programmes.models import Funding, Programme

from ..models import PublishedReport


def reports_for(user) -> QuerySet[PublishedReport]:
    """Every published report ``user`` may open, in any programme."""
    granted = live_memberships(user).filter(role__in=GRANTED_ROLES)
    own = Q()
    for organisation_id, programme_id in granted.values_list("organisation_id", "programmes"):
        if programme_id is not None:
            own |= Q(funding__funder_id=organisation_id, programme_id=programme_id)
    coordinated = Q(programme__in=coordinated_programmes(user).values("pk"))
    query = coordinated | own if own else coordinated
    return PublishedReport.objects.filter(query).select_related(
        "programme", "funding", "funding__funder"
    )


def programme_reports_for(user, programme: Programme) -> QuerySet[PublishedReport]:
    return reports_for(user).filter(programme=programme).order_by("-published_at", "-version")


def publishable_fundings(user, programme: Programme) -> QuerySet[Funding]:
    """The fundings a coordinator of the programme may report on."""
    if not coordinated_programmes(user).filter(pk=programme.pk).exists():
        return Funding.objects.none()
    return Funding.objects.filter(programme=programme).select_related("funder")
