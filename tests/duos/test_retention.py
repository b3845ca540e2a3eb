"""Retention (issue 14 item 3): the nightly job erases only the participants
past their programme's retention, and deletes uploaded files' content after
30 days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from duos import tasks
from duos.models import DataImport, Duo, Mentee
from duos.services import erasure, retention
from tests.factories import DuoFactory, MenteeFactory, MentorFactory, ProgrammeFactory

NOW = timezone.make_aware(dt.datetime(2026, 11, 30, 3, 45))


def _ended(programme, *, ended_on: dt.date) -> Duo:
    return DuoFactory(
        programme=programme,
        status=Duo.Status.ENDED,
        started_on=ended_on - dt.timedelta(weeks=26),
        ended_on=ended_on,
        end_reason="completed",
    )


def _applied(programme, *, on: dt.date) -> Mentee:
    mentee = MenteeFactory(programme=programme, status="applied")
    Mentee.objects.filter(pk=mentee.pk).update(
        created_at=timezone.make_aware(dt.datetime.combine(on, dt.time(12)))
    )
    return mentee


@pytest.mark.django_db
def test_only_participants_past_retention_are_erased():
    programme = ProgrammeFactory(retention_years=5)
    old = _ended(programme, ended_on=dt.date(2021, 11, 1))  # 5 years and a month ago
    recent = _ended(programme, ended_on=dt.date(2022, 1, 10))
    # An old duo, then a recent one: the last duo counts.
    rematched = _ended(programme, ended_on=dt.date(2020, 1, 1))
    DuoFactory(
        programme=programme,
        mentee=rematched.mentee,
        status=Duo.Status.ENDED,
        started_on=dt.date(2023, 1, 1),
        ended_on=dt.date(2023, 6, 1),
        end_reason="completed",
    )
    never_old = _applied(programme, on=dt.date(2021, 6, 1))
    never_recent = _applied(programme, on=dt.date(2024, 6, 1))
    # A long-past application, but in a duo now: never erased.
    running = DuoFactory(programme=programme)
    Mentee.objects.filter(pk=running.mentee_id).update(
        created_at=timezone.make_aware(dt.datetime(2019, 1, 1))
    )
    longer = ProgrammeFactory(retention_years=10)
    kept_longer = _ended(longer, ended_on=dt.date(2021, 11, 1))

    # The old duo's mentee and mentor, the old application, the rematched one's first mentor.
    assert retention.erase_past_retention(now=NOW) == 4

    def erased(person):
        person.refresh_from_db()
        return erasure.is_erased(person)

    assert erased(old.mentee) and erased(old.mentor) and erased(never_old)
    assert not erased(recent.mentee) and not erased(recent.mentor)
    assert not erased(rematched.mentee) and erased(rematched.mentor)
    assert not erased(never_recent) and not erased(running.mentee)
    assert not erased(kept_longer.mentee)
    # Nothing left to do the next night.
    assert retention.erase_past_retention(now=NOW) == 0


@pytest.mark.django_db
def test_a_mentor_with_a_recent_duo_is_kept():
    programme = ProgrammeFactory(retention_years=5)
    mentor = MentorFactory(programme=programme, capacity=2)
    old = _ended(programme, ended_on=dt.date(2020, 1, 1))
    Duo.objects.filter(pk=old.pk).update(mentor=mentor)
    DuoFactory(programme=programme, mentor=mentor)  # active now
    retention.erase_past_retention(now=NOW)
    mentor.refresh_from_db()
    assert not erasure.is_erased(mentor)


@pytest.mark.django_db
def test_upload_content_is_deleted_after_30_days():
    programme = ProgrammeFactory()
    old = DataImport.objects.create(
        programme=programme, kind="participants", filename="a.csv", content=b"ref;name\n1;Ann\n"
    )
    new = DataImport.objects.create(
        programme=programme, kind="participants", filename="b.csv", content=b"ref;name\n2;Bo\n"
    )
    DataImport.objects.filter(pk=old.pk).update(created_at=NOW - dt.timedelta(days=31))
    DataImport.objects.filter(pk=new.pk).update(created_at=NOW - dt.timedelta(days=29))
    assert retention.upload_content_prune(now=NOW) == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert bytes(old.content) == b"" and old.filename == "a.csv"
    assert bytes(new.content) == b"ref;name\n2;Bo\n"


@pytest.mark.django_db
def test_the_nightly_job_runs_both_and_is_scheduled():
    entry = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "duos.apply_retention"
    ]
    assert len(entry) == 1
    assert tasks.apply_retention.delay().get() == {"erased": 0, "uploads": 0}
