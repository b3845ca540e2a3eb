"""The query parameters of the figures' pages, read and checked: a bad value
gives a message the page shows, never an exception."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


# --- the ESF+ indicators' period ---------------------------------------------------------

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """A calendar year, or a period from one date to another (both given).

    Funders and evaluators (``full=False``) choose whole calendar years only:
    with free dates, two periods a day apart would give one participant's
    counts back by subtraction, whatever each page hides."""

    year = forms.IntegerField(
        label=gettext_lazy("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False
    )
    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, full: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.full = full
        if not full:
            del self.fields["start"], self.fields["end"]

    def clean(self):
        data = super().clean()
        if not self.full and (self.data.get("start") or self.data.get("end")):
            raise forms.ValidationError(
                _("Funders and evaluators see these figures by calendar year: choose a year.")
            )
        start, end = data.get("start"), data.get("end")
        if self.errors:
            return data
        if start or end:
            if not (start and end):
                raise forms.ValidationError(_("Give both dates of the period, or a year."))
            if start > end:
                raise forms.ValidationError(_("The period must start on or before its end."))
            if start.year < FIRST_YEAR or end.year > LAST_YEAR:
                raise forms.ValidationError(_("Choose dates between 1990 and 2100."))
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        """The period asked for; the current year when none was."""
        data = self.cleaned_data
        if data.get("start") and data.get("end"):
            return data["start"], data["end"]
        year = data.get("year") or timezone.localdate().year
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
