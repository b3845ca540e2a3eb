"""Big imports run as background jobs (issue 17): the upload request only keeps
the file and sends the job after its commit; the page shows the progress, then
the preview the job kept; confirming sends the apply job, which writes every
row or none; a broker that cannot be reached gives a clear message at once."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from duos.imports import jobs
from duos.models import DataImport, Mentee

HEADER = "ref,kind,first_name,last_name,birth_date\n"


def people_csv(n: int, *, bad_line: int | None = None) -> bytes:
    lines = [HEADER]
    for i in range(n):
        birth = "31/02/1990" if bad_line == i + 2 else "1990-02-01"
        lines.append(f"J{i:05d},mentee,Name{i},Family{i},{birth}\n")
    return "".join(lines).encode()


@pytest.fixture
def coordinator_client(client, world):
    client.force_login(world.coordinator)
    return client


def upload(client, world, content: bytes):
    url = reverse("duos:import_upload", args=[world.programme.uuid])
    return client.post(url, {"file": SimpleUploadedFile("people.csv", content)})


@pytest.fixture
def held_jobs(monkeypatch):
    """Jobs are kept here instead of running, as a broker keeps them for the worker."""
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(jobs, "dispatch", lambda name, kwargs: sent.append((name, kwargs)))
    return sent


def run(sent):
    from duos import tasks

    while sent:
        name, kwargs = sent.pop(0)
        {"duos.import_check": tasks.import_check, "duos.import_apply": tasks.import_apply}[
            name
        ].apply(kwargs=kwargs).get()


def test_small_file_is_still_checked_in_the_request(
    coordinator_client, world, held_jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(coordinator_client, world, people_csv(5))
    assert held_jobs == []
    data_import = DataImport.objects.get()
    page = coordinator_client.get(reverse("duos:import_preview", args=[data_import.uuid]))
    assert "Confirm import" in page.content.decode()


def test_big_file_goes_through_the_jobs_with_progress(
    coordinator_client, world, held_jobs, django_capture_on_commit_callbacks
):
    n = jobs.BACKGROUND_ROWS + 50
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(coordinator_client, world, people_csv(n))
    assert response.status_code == 302
    data_import = DataImport.objects.get()
    assert (data_import.state, data_import.rows_total) == ("checking", n)
    assert held_jobs == [("duos.import_check", {"import_id": data_import.pk})]
    url = reverse("duos:import_preview", args=[data_import.uuid])
    page = coordinator_client.get(url).content.decode()
    assert "<progress" in page and f"0 of {n} rows" in page
    assert "import_progress.js" in page
    assert "Confirm import" not in page  # nothing to confirm before the check

    run(held_jobs)
    data_import.refresh_from_db()
    assert data_import.state == "ready"
    page = coordinator_client.get(url).content.decode()
    assert "<progress" not in page and "Confirm import" in page
    assert f">{n}<" in page  # the count of new mentees
    assert Mentee.objects.filter(programme=world.programme, ref__startswith="J").count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("duos:import_confirm", args=[data_import.uuid]))
    data_import.refresh_from_db()
    assert data_import.state == "applying"
    page = coordinator_client.get(url).content.decode()
    assert "Importing…" in page and "<progress" in page
    # A second confirmation while it runs sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("duos:import_confirm", args=[data_import.uuid]))
    assert len(held_jobs) == 1

    run(held_jobs)
    data_import.refresh_from_db()
    assert data_import.state == "applied" and data_import.applied_at is not None
    assert Mentee.objects.filter(programme=world.programme, ref__startswith="J").count() == n
    page = coordinator_client.get(url).content.decode()
    assert "This file was imported on" in page and "<progress" not in page


def test_big_file_with_an_error_imports_nothing(
    coordinator_client, world, held_jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(coordinator_client, world, people_csv(jobs.BACKGROUND_ROWS + 5, bad_line=120))
    run(held_jobs)
    data_import = DataImport.objects.get()
    assert data_import.state == "ready"
    page = coordinator_client.get(reverse("duos:import_preview", args=[data_import.uuid]))
    text = page.content.decode()
    assert "line 120" in text and "Confirm import" not in text
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("duos:import_confirm", args=[data_import.uuid]))
    run(held_jobs)
    assert not Mentee.objects.filter(ref__startswith="J").exists()


def test_apply_job_writes_nothing_when_a_row_fails(
    coordinator_client, world, held_jobs, monkeypatch, django_capture_on_commit_callbacks
):
    """All or nothing in the job too: a service refusing the last row (the records
    changed since the check) makes the job fail, and none of the rows is kept."""
    import dataclasses

    from django.core.exceptions import ValidationError

    n = jobs.BACKGROUND_ROWS + 5
    with django_capture_on_commit_callbacks(execute=True):
        upload(coordinator_client, world, people_csv(n))
    run(held_jobs)
    data_import = DataImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("duos:import_confirm", args=[data_import.uuid]))
    real = jobs.importer_for("participants")

    def write(actor, row, *, programme):
        if row.line == n + 1:
            raise ValidationError("This person was changed meanwhile.")
        return real.write(actor, row, programme=programme)

    monkeypatch.setattr(jobs, "importer_for", lambda kind: dataclasses.replace(real, write=write))
    run(held_jobs)
    data_import.refresh_from_db()
    assert data_import.state == "failed"
    assert "changed meanwhile" in data_import.error
    assert not Mentee.objects.filter(ref__startswith="J").exists()
    page = coordinator_client.get(reverse("duos:import_preview", args=[data_import.uuid]))
    text = page.content.decode()
    assert "Nothing was imported" in text and "changed meanwhile" in text


def test_broker_down_gives_a_clear_message(
    coordinator_client, world, monkeypatch, django_capture_on_commit_callbacks
):
    def down(name, kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(jobs, "dispatch", down)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(coordinator_client, world, people_csv(jobs.BACKGROUND_ROWS + 1))
    assert response.status_code == 302
    data_import = DataImport.objects.get()
    assert data_import.state == "failed"
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "background worker could not be reached" in page
    assert "<progress" not in page
    assert not Mentee.objects.filter(ref__startswith="J").exists()


def test_only_the_programmes_coordinators_see_the_job(client, world, held_jobs):
    data_import = DataImport.objects.create(
        programme=world.programme, kind="participants", filename="x.csv", content=b"", state="ready"
    )
    url = reverse("duos:import_preview", args=[data_import.uuid])
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.coach)
    assert client.get(url).status_code == 403


def test_check_job_failure_says_so_in_words_not_the_exception(
    coordinator_client, world, held_jobs, monkeypatch, django_capture_on_commit_callbacks
):
    """An unexpected error in the checking job is logged; the page says nothing
    was imported, never the exception's own text."""
    with django_capture_on_commit_callbacks(execute=True):
        upload(coordinator_client, world, people_csv(jobs.BACKGROUND_ROWS + 5))

    def broken(*args, **kwargs):
        raise RuntimeError("'NoneType' object has no attribute 'pk'")

    monkeypatch.setattr(jobs.flow, "upload_preview", broken)
    with pytest.raises(RuntimeError):
        run(held_jobs)
    data_import = DataImport.objects.get()
    assert data_import.state == "failed"
    page = coordinator_client.get(reverse("duos:import_preview", args=[data_import.uuid]))
    text = page.content.decode()
    assert "an unexpected error stopped the job" in text
    assert "NoneType" not in text
