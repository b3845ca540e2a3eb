"""Scoped reads of programmes, fundings and memberships."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .access import coordinated_programmes, live_memberships
from .models import Membership, Organisation, OrganisationKind, Programme, Role


def coordinated_organisations(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        pk__in=live_memberships(user).filter(role=Role.COORDINATOR).values("organisation_id")
    )


def invitable_organisations(user) -> QuerySet[Organisation]:
    """Where a coordinator may invite people: their own operator(s), the funders of
    their programmes, and research organisations."""
    programmes = coordinated_programmes(user)
    return Organisation.objects.filter(
        Q(pk__in=coordinated_organisations(user).values("pk"))
        | Q(fundings__programme__in=programmes.values("pk"))
        | Q(kind=OrganisationKind.RESEARCH)
    ).distinct()


def team_for(user) -> QuerySet[Membership]:
    """Live memberships a coordinator manages: their organisations' staff and the
    funders and evaluators granted one of their programmes."""
    programmes = coordinated_programmes(user)
    return (
        Membership.objects.filter(revoked_at__isnull=True)
        .filter(
            Q(organisation__in=coordinated_organisations(user))
            | Q(programmes__in=programmes.values("pk"))
        )
        .distinct()
        .select_related("user", "organisation")
        .prefetch_related("programmes")
        .order_by("organisation__name", "role", "user__last_name")
    )


def programmes_with_operator(programmes: QuerySet[Programme]) -> QuerySet[Programme]:
    return programmes.select_related("operator").order_by("name")
