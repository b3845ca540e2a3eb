"""Scoped reads of programmes, fundings and memberships."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .access import coordinated_programmes, get_or_deny, live_memberships, programmes_for
from .models import Funding, Membership, Organisation, OrganisationKind, Programme, Role


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


# --- setting a programme up -------------------------------------------------------------

ALL_ROLES = tuple(Role.values)


def programme_to_set_up(user, *, uuid) -> Programme:
    """A programme the user coordinates: 404 to outsiders, 403 to its other members."""
    return get_or_deny(
        allowed=coordinated_programmes(user).select_related("operator"),
        related=programmes_for(user, ALL_ROLES),
        uuid=uuid,
    )


def funding_to_edit(user, *, uuid) -> Funding:
    """A funding of a programme the user coordinates (404 / 403 as above)."""
    return get_or_deny(
        allowed=Funding.objects.filter(
            programme__in=coordinated_programmes(user).values("pk")
        ).select_related("programme", "funder"),
        related=Funding.objects.filter(programme__in=programmes_for(user, ALL_ROLES).values("pk")),
        uuid=uuid,
    )


def operators_of(user) -> QuerySet[Organisation]:
    """The operator organisations the user coordinates: where they may start a programme."""
    return coordinated_organisations(user).filter(kind=OrganisationKind.OPERATOR).order_by("name")


def funder_organisations() -> QuerySet[Organisation]:
    """Organisations that can fund a programme (funders and public employment services)."""
    return Organisation.objects.filter(
        kind__in=[OrganisationKind.FUNDER, OrganisationKind.PUBLIC_EMPLOYMENT_SERVICE]
    ).order_by("name")


def programme_fundings(programme: Programme) -> QuerySet[Funding]:
    return programme.fundings.select_related("funder").order_by("starts_on", "funder__name")
