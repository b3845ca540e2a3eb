"""What the reporting views share: the programme a reader asked for, decided
one way for every page of figures."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from duos.access import related_programmes
from programmes.access import get_or_deny, programmes_for, sees_full_figures
from programmes.models import Programme


def programme_for(request: HttpRequest, uuid, roles: Iterable[str]) -> Programme:
    """The programme if the reader holds one of ``roles`` on it; 403 to members
    without the right, 404 to outsiders."""
    return get_or_deny(
        allowed=programmes_for(request.user, roles).select_related("operator"),
        related=related_programmes(request.user),
        uuid=uuid,
    )


def programme_and_scope(request: HttpRequest, uuid, roles: Iterable[str]) -> tuple[Programme, bool]:
    """The programme, and whether the reader sees its figures in full (its
    coordinators) or suppressed (funders and evaluators)."""
    programme = programme_for(request, uuid, roles)
    return programme, sees_full_figures(request.user, programme)
