"""A 20,000-row participant file imports through the background jobs (issue 17),
in a real browser: the upload request only keeps the file (it answers in under a
second), the page shows a progress bar and follows the job by itself, then the
preview; confirming shows the progress again, and the import ends with every
row written.

The jobs are held as a broker would hold them, and run here in the test's
thread, the worker's part: so the test proves that the request did not do the
work, whatever the speed of this machine."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from duos.imports import jobs
from duos.models import DataImport, Mentee
from programmes.models import Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "duo-test-password"
ROWS = 20_000


@pytest.fixture
def coordinator(transactional_db):
    programme = factories.ProgrammeFactory(name="DUO Brussels")
    user = factories.UserFactory(
        username="coordinator@duo.invalid", email="coordinator@duo.invalid"
    )
    factories.MembershipFactory(user=user, organisation=programme.operator, role=Role.COORDINATOR)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    user.programme = programme
    return user


@pytest.fixture
def held_jobs(monkeypatch):
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(jobs, "dispatch", lambda name, kwargs: sent.append((name, kwargs)))
    return sent


def run_jobs(sent: list) -> None:
    from duos import tasks

    work = {"duos.import_check": tasks.import_check, "duos.import_apply": tasks.import_apply}
    while sent:
        name, kwargs = sent.pop(0)
        work[name].apply(kwargs=kwargs).get()


def people_csv() -> bytes:
    lines = ["ref,kind,first_name,last_name,email,birth_date,languages\n"]
    for i in range(ROWS):
        lines.append(
            f"B{i:05d},mentee,Name{i},Family{i},b{i}@duo.invalid,1995-03-0{1 + i % 9},fr\n"
        )
    return "".join(lines).encode()


def test_a_20000_row_file_imports_in_the_background(
    page: Page, live_server, coordinator, held_jobs, screenshot
):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(coordinator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto(f"/programmes/{coordinator.programme.uuid}/import/")
    page.get_by_label("Spreadsheet (Excel .xlsx or CSV)").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": people_csv()}
    )
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Upload and preview").click()
    timing = posted.value.request.timing
    server_ms = timing["responseStart"] - timing["requestStart"]
    assert posted.value.status == 302
    assert server_ms < 1000, f"the upload request took {server_ms:.0f} ms"

    # The page shows the job's progress and follows it by itself.
    progress = page.locator("progress#import-progress")
    expect(progress).to_be_visible()
    expect(progress).to_have_attribute("max", str(ROWS))
    expect(page.get_by_role("heading", name="Checking the file…")).to_be_visible()
    expect(page.get_by_text(re.compile(r"0 of 20[ ,.\u202f\u00a0]?000 rows"))).to_be_visible()
    assert page.get_by_role("button", name="Confirm import").count() == 0
    screenshot(page, "checking")
    data_import = DataImport.objects.get()
    assert (data_import.state, data_import.rows_total) == ("checking", ROWS)

    run_jobs(held_jobs)  # the worker checks the file; the page reloads on its own
    expect(page.get_by_role("button", name="Confirm import")).to_be_visible(timeout=15_000)
    expect(progress).to_have_count(0)
    expect(
        page.get_by_text(re.compile(r"19[ ,.\u202f\u00a0]?000 more rows are not listed"))
    ).to_be_visible()
    screenshot(page, "preview")
    assert not Mentee.objects.exists()  # nothing written before the confirmation

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Confirm import").click()
    timing = posted.value.request.timing
    assert timing["responseStart"] - timing["requestStart"] < 1000
    expect(page.get_by_role("heading", name="Importing…")).to_be_visible()
    expect(progress).to_be_visible()
    screenshot(page, "applying")

    run_jobs(held_jobs)  # the worker writes every row, in one transaction
    expect(page.get_by_text(re.compile(r"This file was imported on"))).to_be_visible(timeout=15_000)
    expect(progress).to_have_count(0)
    screenshot(page, "imported")
    assert Mentee.objects.filter(programme=coordinator.programme).count() == ROWS
    data_import.refresh_from_db()
    assert data_import.state == "applied" and data_import.rows_done == ROWS
