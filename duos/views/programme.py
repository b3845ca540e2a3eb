"""A programme's page: its rules in words, the pipeline for its coordinators,
aggregates for the other roles (suppressed for funders and evaluators,
DESIGN.md "Who sees what")."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from duos import access, selectors
from programmes.access import (
    OPERATOR_ROLES,
    coordinated_programmes,
    fundings_visible_to,
    get_or_deny,
    programmes_for,
    role_required,
)
from programmes.models import Role
from programmes.rules_text import change_in_words, rules_in_words
from programmes.services import rules_current, rules_history
from programmes.suppression import Sheet, suppress

MEMBERS = (Role.COORDINATOR, Role.COACH, Role.FUNDER, Role.EVALUATOR)


def _rules_context(programme) -> dict:
    current = rules_current(programme)
    history = [
        (version, [change_in_words(field, before, after) for field, before, after in changes])
        for version, changes in rules_history(programme, limit=5)
    ]
    return {"rules": current, "rules_words": rules_in_words(current.rules), "history": history}


@role_required(*MEMBERS)
def programme_overview(request: HttpRequest, uuid) -> HttpResponse:
    programme = get_or_deny(
        allowed=programmes_for(request.user, MEMBERS).select_related("operator"),
        related=access.related_programmes(request.user),
        uuid=uuid,
    )
    is_coordinator = coordinated_programmes(request.user).filter(pk=programme.pk).exists()
    operator_staff = programmes_for(request.user, OPERATOR_ROLES).filter(pk=programme.pk).exists()
    sheet = Sheet()
    for status, n in selectors.programme_duo_counts(programme).items():
        sheet.count(status, n)
    context = {
        "programme": programme,
        "is_coordinator": is_coordinator,
        "duo_counts": suppress(sheet, full=operator_staff),
        "fundings": fundings_visible_to(request.user, programme).select_related("funder"),
        **_rules_context(programme),
    }
    if is_coordinator:
        context["pipeline"] = selectors.programme_pipeline(programme)
    return render(request, "duos/programme_overview.html", context)
