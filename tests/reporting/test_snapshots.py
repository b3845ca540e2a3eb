"""Snapshots: written after a change commits, append-only, equal when nothing changed."""

import datetime as dt

import pytest

from duos.services import outcome_record
from reporting.models import RateSnapshot
from reporting.services import latest_snapshot, snapshot_compute
from reporting.tasks import recompute_all
from tests.factories import DuoFactory, ProgrammeFactory, UserFactory


@pytest.fixture
def ended_duo(db):
    return DuoFactory(ended=True)


def test_saving_an_outcome_writes_a_new_snapshot_after_commit(
    ended_duo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcome_record(
            UserFactory(), duo=ended_duo, point="exit", status="employed", source="coordinator"
        )
    assert not RateSnapshot.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    snapshot = latest_snapshot(ended_duo.programme)
    assert snapshot.version == 1
    overall = snapshot.rows[0]
    assert (overall["cohort"], overall["point"], overall["denominator"]) == (
        None,
        "exit",
        "completed",
    )
    assert overall["counts"]["employed"] == 1


def test_many_changes_in_one_transaction_give_one_recompute(db, django_capture_on_commit_callbacks):
    programme = ProgrammeFactory()
    duos = [
        DuoFactory(
            programme=programme, ended=True, started_on=dt.date(2024, 1, 1) + dt.timedelta(days=i)
        )
        for i in range(20)
    ]
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            for duo in duos:
                outcome_record(None, duo=duo, point="exit", status="training", source="coordinator")
    assert len(callbacks) == 1
    assert programme.rate_snapshots.count() == 1


def test_recomputing_twice_gives_equal_versions(ended_duo):
    first = snapshot_compute(programme=ended_duo.programme)
    second = snapshot_compute(programme=ended_duo.programme)
    assert (first.version, second.version) == (1, 2)
    assert first.rows == second.rows


def test_nightly_job_covers_every_programme(db):
    programmes = ProgrammeFactory.create_batch(3)
    assert recompute_all.apply().get() == 3
    assert all(p.rate_snapshots.filter(trigger="nightly").exists() for p in programmes)
