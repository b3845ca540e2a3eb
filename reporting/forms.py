"""The dashboard's and the drill-down's query parameters, read and checked: a bad
value gives a message the page shows, never an exception."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .dashboard import Period
from .figures import dimension_values
from .rates import DENOMINATORS, DIMENSIONS, GROUPS, POINTS, STATUSES

FIRST_YEAR, LAST_YEAR = 1990, 2100


def _year(params: Mapping[str, str], name: str, errors: list[str]) -> int | None:
    """A cohort year of four ASCII digits (``int()`` would take "١٢" or "2_024")."""
    value = params.get(name, "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit() and len(value) == 4:
        year = int(value)
        if FIRST_YEAR <= year <= LAST_YEAR:
            return year
    errors.append(
        _("“%(value)s” (%(name)s) is not a year between %(first)s and %(last)s.")
        % {"value": value[:20], "name": name, "first": FIRST_YEAR, "last": LAST_YEAR}
    )
    return None


def _period(params, first_name: str, last_name: str, errors: list[str]) -> Period | None:
    """The period of two parameters; None when both are empty or it is reversed."""
    first, last = _year(params, first_name, errors), _year(params, last_name, errors)
    if first is not None and last is not None and first > last:
        errors.append(
            _("The period %(first)s–%(last)s ends before it starts.")
            % {"first": first, "last": last}
        )
        return None
    if first is None and last is None:
        return None
    return Period(first, last)


@dataclass
class Periods:
    period: Period
    compare: Period | None
    errors: list[str] = field(default_factory=list)


def dashboard_periods(params: Mapping[str, str]) -> Periods:
    """?from=&to= (the period shown; empty: every cohort) and, to compare with,
    ?compare_from=&compare_to=. A bad value is left out and said."""
    errors: list[str] = []
    period = _period(params, "from", "to", errors) or Period(None, None)
    compare = _period(params, "compare_from", "compare_to", errors)
    return Periods(period, compare, errors)


@dataclass
class DrillQuery:
    """Which trajectories a figure counts: cohorts, point, denominator, a group or
    a status at that point, and a breakdown's value."""

    period: Period
    point: str = "exit"
    denominator: str = ""  # "" = every ended trajectory (as "started")
    group: str = ""
    status: str = ""
    dimension: str = ""
    value: str = ""
    errors: list[str] = field(default_factory=list)


def _choice(params, name: str, allowed, errors: list[str], default: str = "") -> str:
    value = params.get(name, "")
    if not value:
        return default
    if value in allowed:
        return value
    errors.append(_("“%(value)s” is not a valid %(name)s.") % {"value": value[:40], "name": name})
    return default


def drill_query(params: Mapping[str, str]) -> DrillQuery:
    errors: list[str] = []
    period = _period(params, "from", "to", errors) or Period(None, None)
    if params.get("cohort"):  # one cohort, as older links say
        year = _year(params, "cohort", errors)
        period = Period(year, year) if year is not None else period
    query = DrillQuery(
        period=period,
        point=_choice(params, "point", POINTS, errors, default="exit"),
        denominator=_choice(params, "denominator", DENOMINATORS, errors),
        group=_choice(params, "group", GROUPS, errors),
        status=_choice(params, "status", STATUSES, errors),
        dimension=_choice(params, "dimension", DIMENSIONS, errors),
        errors=errors,
    )
    if query.group and query.status:
        errors.append(_("Choose a group or a status, not both."))
        query.status = ""
    if query.dimension:
        query.value = _choice(params, "value", dimension_values(query.dimension), errors)
        if not query.value:
            errors.append(_("A breakdown needs its value."))
            query.dimension = ""
    return query
