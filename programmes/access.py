"""Who may see which programme: the one place that decides it.

Roles come from live memberships (DESIGN.md "Who sees what"):
- coordinators and coaches belong to an operator and work on its programmes;
- funders and evaluators see only the programmes granted to their membership.
`duos.access` builds the participant and duo rules on top of this module.
Outsiders get 404, members without the right 403 (see ``get_or_deny``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from .models import Membership, Programme, Role

M = TypeVar("M", bound=Model)

OPERATOR_ROLES = (Role.COORDINATOR, Role.COACH)
GRANTED_ROLES = (Role.FUNDER, Role.EVALUATOR)


def live_memberships(user) -> QuerySet[Membership]:
    if not (user.is_authenticated and user.is_active):
        return Membership.objects.none()
    return Membership.objects.filter(user=user, revoked_at__isnull=True)


def roles_of(user) -> set[str]:
    """The membership roles a user holds now (mentor is decided in duos.access)."""
    return set(live_memberships(user).values_list("role", flat=True).distinct())


def programmes_for(user, roles: Iterable[str]) -> QuerySet[Programme]:
    """Programmes the user works on in any of ``roles``."""
    roles = set(roles)
    memberships = live_memberships(user)
    operator_ids = memberships.filter(role__in=roles & set(OPERATOR_ROLES)).values(
        "organisation_id"
    )
    granted_ids = memberships.filter(role__in=roles & set(GRANTED_ROLES)).values("programmes")
    return Programme.objects.filter(operator_id__in=operator_ids) | Programme.objects.filter(
        pk__in=granted_ids
    )


def coordinated_programmes(user) -> QuerySet[Programme]:
    return programmes_for(user, [Role.COORDINATOR])


def get_or_deny(*, allowed: QuerySet[M], related: QuerySet[M], **lookup) -> M:
    """The object if ``allowed`` holds it; 403 if only ``related`` does (a member
    without the right); otherwise 404, so an outsider learns nothing."""
    obj = allowed.filter(**lookup).first()
    if obj is not None:
        return obj
    if related.filter(**lookup).exists():
        raise PermissionDenied
    raise Http404


def coaches_of(programme: Programme):
    """Users with a live mentor-coach membership in the programme's operator."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation_id=programme.operator_id,
            memberships__role=Role.COACH,
            memberships__revoked_at__isnull=True,
        )
        .distinct()
    )
