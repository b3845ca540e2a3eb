"""The trajectories behind a figure (coordinators only): the same last duos the
rates count (``rates.last_duos``), filtered exactly as the figure was made, so
that the list holds as many trajectories as the figure counts."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext, gettext_lazy

from duos.models import Duo, OutcomeStatus
from programmes.models import Programme

from .figures import value_label
from .forms import DrillQuery
from .rates import COMPLETED, DIMENSIONS, GROUPS, last_duos

DIMENSION_LABELS = {
    "gender": gettext_lazy("Gender"),
    "age_band": gettext_lazy("Age band at entry"),
    "education_level": gettext_lazy("Education level"),
    "migration_background": gettext_lazy("Migration background"),
}


def _value_filter(dimension: str, value: str) -> Q:
    """The inverse of ``rates._value``: a breakdown's value as a condition."""
    field = DIMENSIONS[dimension]
    if dimension == "migration_background":
        if value == "not_recorded":
            return Q(**{f"{field}__isnull": True})
        return Q(**{field: value == "yes"})
    if value == "not_recorded":
        return Q(**{f"{field}__isnull": True}) | Q(**{field: ""})
    return Q(**{field: value})


def trajectories(*, programme: Programme, query: DrillQuery) -> QuerySet[Duo]:
    """The last duos of the trajectories counted by the figure ``query`` names,
    with their mentee and mentor, latest ended first."""
    duos = last_duos(programme)
    period = query.period
    if period.first is not None:
        duos = duos.filter(cohort__gte=period.first)
    if period.last is not None:
        duos = duos.filter(cohort__lte=period.last)
    if query.denominator == "completed":
        duos = duos.filter(end_reason__in=COMPLETED)
    if query.group:
        duos = duos.filter(**{f"{query.point}_status__in": GROUPS[query.group]})
    elif query.status:
        duos = duos.filter(**{f"{query.point}_status": query.status})
    if query.dimension:
        duos = duos.filter(_value_filter(query.dimension, query.value))
    return duos.select_related("mentee", "mentor").order_by("-ended_on", "pk")


def describe(query: DrillQuery) -> list[tuple[str, str]]:
    """What the list is filtered on, as (what, value) labels for the page."""
    points = {"exit": gettext("At exit"), "follow_up": gettext("At follow-up")}
    denominators = {
        "completed": gettext("completed (ran its course or reached its goal)"),
        "started": gettext("started (every trajectory whose last duo ended)"),
        "": gettext("every trajectory whose last duo ended"),
    }
    groups = {
        "employed": gettext("Employed"),
        "training": gettext("Training"),
        "internship": gettext("Internship"),
        "positive": gettext("Positive"),
        "still_searching": gettext("Still searching"),
        "other": gettext("Other"),
    }
    lines = [
        (gettext("Cohorts"), query.period.label),
        (gettext("Trajectories"), denominators[query.denominator]),
    ]
    if query.group or query.status:
        lines.append((gettext("Point"), points[query.point]))
    if query.group:
        lines.append((gettext("Group"), groups[query.group]))
    if query.status:
        lines.append((gettext("Status"), str(OutcomeStatus(query.status).label)))
    if query.dimension:
        lines.append(
            (str(DIMENSION_LABELS[query.dimension]), value_label(query.dimension, query.value))
        )
    return lines
