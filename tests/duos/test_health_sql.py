"""Health worked out by the database (duos.selectors.health_q) gives exactly what
duos.health.health gives in Python, at every day around each threshold, for a
programme's rhythm and for a rules version's own rhythm."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from duos.health import Health, health, rhythm_of
from duos.models import Duo, Meeting
from duos.selectors import filter_by_health, pipeline_counts, with_last_contact
from programmes.models import Programme, RulesVersion
from tests import factories


@pytest.mark.django_db
def test_health_in_sql_matches_python():
    today = timezone.localdate()
    weekly = factories.ProgrammeFactory(meetings_per_month=Decimal("4"))
    monthly = factories.ProgrammeFactory(meetings_per_month=Decimal("1"))
    twice = RulesVersion.objects.create(
        programme=monthly, version=99, rules={"meetings_per_month": "2"}
    )
    keyless = RulesVersion.objects.create(programme=weekly, version=98, rules={})
    for programme, version in (
        (weekly, None),
        (weekly, keyless),
        (monthly, None),
        (monthly, twice),
    ):
        for days in range(0, 70, 1):
            duo = factories.DuoFactory(
                programme=programme, started_on=today - dt.timedelta(days=80)
            )
            Duo.objects.filter(pk=duo.pk).update(rules_version=version)
            if days % 3:  # some by their last meeting, the others by their start
                Meeting.objects.create(
                    duo=duo, date=today - dt.timedelta(days=days), minutes=30, mode="phone"
                )
            else:
                Duo.objects.filter(pk=duo.pk).update(started_on=today - dt.timedelta(days=days))
    factories.DuoFactory(programme=weekly, ended=True)
    rows = with_last_contact(Duo.objects.filter(status=Duo.Status.ACTIVE)).values_list(
        "pk", "last_contact", "programme__meetings_per_month", "rules_version__rules"
    )
    expected = {value: set() for value in Health.values}
    for pk, last_contact, rhythm, rules in rows:
        value = health(
            last_contact=last_contact, meetings_per_month=rhythm_of(rules, rhythm), today=today
        )
        expected[value].add(pk)
    assert all(expected.values())  # every state is reached
    for value in Health.values:
        got = set(filter_by_health(Duo.objects.all(), value, today).values_list("pk", flat=True))
        assert got == expected[value], value
    counts = pipeline_counts(Programme.objects.filter(pk__in=[weekly.pk, monthly.pk]))
    silent = Duo.objects.filter(pk__in=expected[Health.SILENT])
    for programme in (weekly, monthly):
        assert counts[programme.pk].silent_duos == silent.filter(programme=programme).count()
        assert counts[programme.pk].active_duos == programme.duos.filter(status="active").count()
