"""FilterSets for the coordinator's lists. They receive querysets already scoped
by ``duos.access``; their choice fields are scoped too, so a dropdown never
lists another organisation's programme."""

from __future__ import annotations

import datetime as dt
import re

import django_filters as filters
from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from duos.health import Health
from duos.models import AgeBand, Duo, EndReason, Mentee, Mentor, PipelineStatus
from duos.selectors import filter_by_health
from programmes.access import coordinated_programmes
from programmes.models import EducationLevel
from programmes.search import fold, folded

CODE = re.compile(r"^[a-z0-9_]{1,40}$")


class OrderingFilter(filters.OrderingFilter):
    """django-filter's, with "Name (descending)" translated when shown: its own
    builds that label once, at import, in the default language (Dutch), so the
    English and French screens showed "Naam (aflopend)"."""

    def build_choices(self, fields, labels):
        choices = super().build_choices(fields, labels)
        ascending = {value: label for value, label in choices if not value.startswith("-")}
        return [
            (value, format_lazy(_("{} (descending)"), ascending[value[1:]]))
            if value.startswith("-") and value not in labels
            else (value, label)
            for value, label in choices
        ]


def _programmes(request):
    return coordinated_programmes(request.user).order_by("name")


def _in_json_list(queryset, field: str, value: str):
    """Members of a JSON list, on SQLite and PostgreSQL alike (the list's text
    contains the quoted code). Codes are checked first, so no quote slips in."""
    value = value.strip().lower()
    if not CODE.match(value):
        return queryset.none()
    return queryset.filter(**{f"{field}__icontains": f'"{value}"'})


AGE_BANDS = {
    AgeBand.UNDER_25: (None, 24),
    AgeBand.FROM_25_TO_54: (25, 54),
    AgeBand.OVER_54: (55, None),
}


class ParticipantFilter(filters.FilterSet):
    programme = filters.ModelChoiceFilter(
        label=_("Programme"), queryset=_programmes, to_field_name="uuid"
    )
    status = filters.ChoiceFilter(label=_("Status"), choices=PipelineStatus.choices)
    q = filters.CharFilter(label=_("Name, reference or e-mail"), method="search")
    sector = filters.CharFilter(label=_("Sector"), method="sector_filter")
    language = filters.CharFilter(label=_("Language"), method="language_filter")
    municipality = filters.CharFilter(label=_("Municipality"), lookup_expr="icontains")
    education_level = filters.ChoiceFilter(
        label=_("Education level"), choices=EducationLevel.choices
    )
    age_band = filters.ChoiceFilter(
        label=_("Age band"), choices=AgeBand.choices, method="age_band_filter"
    )

    def search(self, queryset, name, value):
        """A name, any part of the full name in either order ("Chantal
        Renard", "Renard Chantal", "chan ren"), with or without accents
        ("Helene" finds "Hélène"), a reference or an e-mail: every word must
        be found."""
        value = value.strip()
        exact = Q(ref__iexact=value) | Q(email__iexact=value)
        words = fold(value).split()[:5]
        if not words:
            return queryset
        by_name = Q()
        for word in words:
            by_name &= Q(_first__contains=word) | Q(_last__contains=word)
        names = queryset.annotate(_first=folded("first_name"), _last=folded("last_name"))
        return names.filter(exact | by_name)

    def sector_filter(self, queryset, name, value):
        return _in_json_list(queryset, "sectors", value)

    def language_filter(self, queryset, name, value):
        return _in_json_list(queryset, "languages", value)

    def age_band_filter(self, queryset, name, value):
        youngest, oldest = AGE_BANDS[value]
        today = timezone.localdate()
        if youngest is not None:  # at least `youngest` years old: born on or before
            queryset = queryset.filter(birth_date__lte=today - relativedelta(years=youngest))
        if oldest is not None:  # at most `oldest`: born after today - (oldest + 1) years
            queryset = queryset.filter(birth_date__gt=today - relativedelta(years=oldest + 1))
        return queryset


class MenteeFilter(ParticipantFilter):
    waiting_days = filters.NumberFilter(
        label=_("Waiting at least (days)"),
        method="waiting_filter",
        min_value=0,
        max_value=36500,  # beyond, the date would be before year 1
    )
    ordering = OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("last_name", "name"),
            ("waiting_since", "waiting_since"),
            ("created_at", "created"),
            ("status", "status"),
        ),
        field_labels={
            "name": _("Name"),
            "waiting_since": _("Waiting since"),
            "created": _("Applied"),
            "status": _("Status"),
        },
    )

    class Meta:
        model = Mentee
        fields: list[str] = []

    def waiting_filter(self, queryset, name, value):
        since = timezone.localdate() - dt.timedelta(days=int(value))
        return queryset.filter(status=PipelineStatus.READY, waiting_since__lte=since)


class MentorFilter(ParticipantFilter):
    ordering = OrderingFilter(
        label=_("Sort by"),
        fields=(("last_name", "name"), ("created_at", "created"), ("status", "status")),
        field_labels={"name": _("Name"), "created": _("Applied"), "status": _("Status")},
    )

    class Meta:
        model = Mentor
        fields: list[str] = []


class DuoFilter(filters.FilterSet):
    programme = filters.ModelChoiceFilter(
        label=_("Programme"), queryset=_programmes, to_field_name="uuid"
    )
    status = filters.ChoiceFilter(label=_("Status"), choices=Duo.Status.choices)
    end_reason = filters.ChoiceFilter(label=_("End reason"), choices=EndReason.choices)
    started_after = filters.DateFilter(
        label=_("Started on or after"), field_name="started_on", lookup_expr="gte"
    )
    started_before = filters.DateFilter(
        label=_("Started on or before"), field_name="started_on", lookup_expr="lte"
    )
    sector = filters.CharFilter(label=_("Mentee's sector"), method="sector_filter")
    municipality = filters.CharFilter(
        label=_("Mentee's municipality"), field_name="mentee__municipality", lookup_expr="icontains"
    )
    health = filters.ChoiceFilter(label=_("Health"), choices=Health.choices, method="health_filter")
    ordering = OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("started_on", "started"),
            ("ended_on", "ended"),
            ("status", "status"),
            ("last_contact", "last_contact"),
        ),
        field_labels={
            "started": _("Started"),
            "ended": _("Ended"),
            "status": _("Status"),
            "last_contact": _("Last contact (longest silent first)"),
            "-last_contact": _("Last contact (most recent first)"),
        },
    )

    class Meta:
        model = Duo
        fields: list[str] = []

    def sector_filter(self, queryset, name, value):
        return _in_json_list(queryset, "mentee__sectors", value)

    def health_filter(self, queryset, name, value):
        return filter_by_health(queryset, value)
