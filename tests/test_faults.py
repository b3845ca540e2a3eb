"""Faults lose nothing (issue 14 item 5): a recompute that dies half-way leaves
no half-written snapshot and the next run completes; a matching run that dies
half-way can run again without duplicate drafts or proposals; an import whose
database connection is lost mid-way writes nothing. The Celery tasks that
redo such work are idempotent and acknowledged late, so a killed worker gives
their message back to the broker."""

from dataclasses import replace

import pytest
from django.db import OperationalError

from duos.imports import flow
from duos.imports import participants as participant_import
from duos.imports.rows import ImportRejected
from duos.matching import runs
from duos.models import Duo, MatchDraft, MatchingRun, Mentee
from duos.tasks import run_matching
from reporting import services as reporting_services
from reporting.models import RateSnapshot
from reporting.tasks import recompute_all, recompute_programme
from tests.factories import (
    DuoFactory,
    MenteeFactory,
    MentorFactory,
    OutcomeFactory,
    ProgrammeFactory,
    UserFactory,
)


def _ended_with_outcome(programme, status="employed"):
    duo = DuoFactory(programme=programme, ended=True)
    OutcomeFactory(duo=duo, point="exit", status=status, contract_type="", date=duo.ended_on)
    return duo


def test_the_idempotent_tasks_are_acknowledged_late():
    for task in (recompute_programme, run_matching):
        assert task.acks_late and task.reject_on_worker_lost


def test_a_recompute_dying_half_way_leaves_no_snapshot_and_the_next_run_completes(db, monkeypatch):
    programme = ProgrammeFactory()
    _ended_with_outcome(programme)

    def dies(*args, **kwargs):
        raise SystemExit("worker killed")  # what a SIGTERM looks like inside the task

    monkeypatch.setattr(reporting_services, "activity_rows", dies)
    with pytest.raises(SystemExit):
        reporting_services.snapshot_compute(programme=programme)
    assert not RateSnapshot.objects.filter(programme=programme).exists()
    monkeypatch.undo()
    snapshot = reporting_services.snapshot_compute(programme=programme)
    assert snapshot.version == 1 and snapshot.rows[0]["n"] == 1


def test_the_nightly_job_goes_on_past_a_programme_that_fails(db, monkeypatch):
    broken, fine = ProgrammeFactory(), ProgrammeFactory()
    _ended_with_outcome(broken)
    _ended_with_outcome(fine)
    compute = reporting_services.snapshot_compute

    def fails_for_one(*, programme, trigger="change"):
        if programme == broken:
            raise RuntimeError("boom")
        return compute(programme=programme, trigger=trigger)

    monkeypatch.setattr("reporting.tasks.snapshot_compute", fails_for_one)
    assert recompute_all.apply().get() == 1
    assert RateSnapshot.objects.filter(programme=fine).exists()
    assert not RateSnapshot.objects.filter(programme=broken).exists()


@pytest.fixture
def matching_pool(db):
    programme = ProgrammeFactory()
    for k in range(4):
        MenteeFactory(programme=programme, languages=["fr"], postcode=f"10{k}0")
        MentorFactory(programme=programme, languages=["fr"], postcode=f"10{k}0")
    return programme


def test_a_matching_run_dying_half_way_runs_again_without_duplicates(
    matching_pool, monkeypatch, django_capture_on_commit_callbacks
):
    run = MatchingRun.objects.create(
        programme=matching_pool, weights=runs.weights_for(matching_pool)
    )
    real_bulk_create = MatchDraft.objects.bulk_create

    def dies_while_writing(objs, *args, **kwargs):
        real_bulk_create(list(objs)[:1])  # a first draft reaches the table...
        raise SystemExit("worker killed")  # ...then the worker dies

    monkeypatch.setattr(MatchDraft.objects, "bulk_create", dies_while_writing)
    with pytest.raises(SystemExit):
        runs.run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.RUNNING
    assert not run.drafts.exists()  # the transaction took the half-written drafts back

    monkeypatch.undo()
    runs.run_execute(run.pk)  # the broker delivers the message again
    runs.run_execute(run.pk)  # and once more: a finished run is left alone
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.DONE
    assert run.drafts.count() == 4 and run.drafts.filter(mentor__isnull=False).count() == 4
    with django_capture_on_commit_callbacks(execute=True):
        runs.run_publish(UserFactory(), run=run)
    with pytest.raises(Exception, match="published already"):
        runs.run_publish(UserFactory(), run=run)
    assert Duo.objects.filter(programme=matching_pool, status="proposed").count() == 4


def test_an_import_losing_its_database_connection_writes_nothing(db, monkeypatch):
    programme = ProgrammeFactory()
    header = "ref,kind,first_name,last_name,email\n"
    rows = "".join(f"P{k},mentee,Name{k},Last{k},p{k}@duo.invalid\n" for k in range(6))
    written = []
    write = participant_import.IMPORTER.write

    def connection_lost_after_three(actor, row, *, programme):
        if len(written) == 3:
            raise OperationalError("server closed the connection unexpectedly")
        written.append(row)
        return write(actor, row, programme=programme)

    importer = replace(participant_import.IMPORTER, write=connection_lost_after_three)
    with pytest.raises(ImportRejected) as rejected:
        flow.import_apply(
            UserFactory(),
            importer,
            programme=programme,
            content=(header + rows).encode(),
            filename="people.csv",
        )
    assert "nothing was written" in str(rejected.value.errors[0])
    assert len(written) == 3  # three rows had been written...
    assert not Mentee.objects.filter(programme=programme).exists()  # ...and rolled back
