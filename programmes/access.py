"""Who may see which programme: the one place that decides it.

Roles come from live memberships (DESIGN.md "Who sees what"):
- coordinators and coaches belong to an operator and work on its programmes;
- funders and evaluators see only the programmes granted to their membership.
`duos.access` builds the participant and duo rules on top of this module.
Outsiders get 404, members without the right 403 (see ``get_or_deny``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from .models import Funding, Membership, Programme, Role

M = TypeVar("M", bound=Model)

OPERATOR_ROLES = (Role.COORDINATOR, Role.COACH)
GRANTED_ROLES = (Role.FUNDER, Role.EVALUATOR)


def live_memberships(user) -> QuerySet[Membership]:
    if not (user.is_authenticated and user.is_active):
        return Membership.objects.none()
    return Membership.objects.filter(user=user, revoked_at__isnull=True)


# Where mentoring.middleware keeps a request's roles: looked up once per request
# (the sign-in policy, the view's role check, the page and the navigation all ask).
ROLES_CACHE = "_duo_request_roles"


def roles_of(user) -> set[str]:
    """The membership roles a user holds now (mentor is decided in duos.access)."""
    cached = getattr(user, ROLES_CACHE, None)
    if cached is not None:
        return set(cached)
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


def sees_full_figures(user, programme: Programme) -> bool:
    """Only the programme's own coordinators see its figures in full; funders and
    evaluators see them suppressed (``programmes.suppression``)."""
    return coordinated_programmes(user).filter(pk=programme.pk).exists()


def fundings_visible_to(user, programme: Programme) -> QuerySet[Funding]:
    """The fundings of ``programme`` whose amounts the user may see: all of them
    for its coordinators; for a funder, those of the funder organisations they
    are a live member of (and that granted them the programme); none otherwise
    (evaluators, coaches): never another funder's money."""
    fundings = Funding.objects.filter(programme=programme).select_related("funder")
    if sees_full_figures(user, programme):
        return fundings
    own = live_memberships(user).filter(role=Role.FUNDER, programmes=programme)
    return fundings.filter(funder_id__in=own.values("organisation_id"))


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


# --- roles a view requires -----------------------------------------------------------

# Roles that are not memberships (a mentor is a user with a Mentor profile):
# the app that knows them registers a predicate, so this module imports no
# higher app.
_EXTRA_ROLES: dict[str, Callable[[object], bool]] = {}


def register_role(name: str, holds: Callable[[object], bool]) -> None:
    _EXTRA_ROLES[name] = holds


def has_role(user, roles: Iterable[str]) -> bool:
    roles = set(roles)
    if roles & roles_of(user):
        return True
    return any(_EXTRA_ROLES[name](user) for name in roles & _EXTRA_ROLES.keys())


def public(view):
    """The other declaration: a page anyone reaches without signing in (the
    landing page, the public application forms and their thank-you page, the
    follow-up answer reached from an e-mail). It changes nothing in the view; it
    says, as ``role_required`` does for the others, that its audience was
    decided (tests/test_url_matrix.py fails on a view that declares neither)."""
    view.public = True
    return view


def role_required(*roles: str):
    """The one decorator views declare their audience with: anonymous users go
    to sign-in; a signed-in user holding none of ``roles`` gets 403 (the same
    for every URL of the view, so it tells nothing about any record). Which
    records they see inside is still decided by the scoped querysets."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator
