"""The coordinator runs batch matching on the demo programme, accepts a proposal,
records both agreements and the duo is active; then closes another duo early and
re-matches its mentee (never with the same mentor)."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from duos.models import Duo, MatchingRun
from programmes.models import Programme

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    return Programme.objects.get(slug="duo-for-a-job")


def sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("duo-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_batch_matching_to_an_active_duo_then_rematching(demo, page: Page, screenshot):
    errors = []
    page.on("response", lambda r: errors.append(r.url) if r.status >= 500 else None)
    sign_in(page, "coordinator@example.org")
    page.get_by_role("link", name="DUO for a JOB").first.click()
    page.get_by_role("link", name="Matching", exact=True).click()
    page.get_by_role("button", name="Run batch matching").click()
    expect(page.get_by_role("heading", name="Matching run")).to_be_visible()
    run = MatchingRun.objects.get(programme=demo)
    assert run.status == "done" and run.matched > 0
    expect(page.locator("ul.reasons").first).to_contain_text("+")
    screenshot(page, "run-done")

    page.get_by_role("button", name="Lock", exact=True).first.click()
    expect(page.get_by_role("button", name="Unlock", exact=True)).to_have_count(1)
    assert run.drafts.filter(locked=True).count() == 1
    page.get_by_role("button", name="Publish the chosen pairs").click()  # the locked row
    expect(page.get_by_role("heading", name="Publish the proposals")).to_be_visible()
    page.get_by_role("button", name="Confirm and send 1 proposal").click()
    expect(page.get_by_role("status").first).to_contain_text("1 proposal published")
    proposal = Duo.objects.filter(
        programme=demo, status="proposed", match_score__isnull=False
    ).first()
    assert proposal is not None
    screenshot(page, "published")

    page.goto(f"/duos/{proposal.uuid}/")
    page.get_by_label("Introduction meeting on").fill(proposal.proposed_on.isoformat())
    page.get_by_role("button", name="Plan the introduction").click()
    expect(page.get_by_role("status").first).to_contain_text("Introduction meeting planned")
    page.get_by_role("button", name="The mentee agrees").click()
    expect(page.get_by_role("status").first).to_contain_text("Agreement recorded")
    page.get_by_role("button", name="The mentor agrees").click()
    expect(page.get_by_role("status").last).to_contain_text("The duo has started")
    proposal.refresh_from_db()
    assert proposal.status == "active"
    screenshot(page, "active")

    other = Duo.objects.filter(programme=demo, status="active").exclude(pk=proposal.pk).first()
    page.goto(f"/duos/{other.uuid}/")
    page.get_by_role("link", name="Close this duo").click()
    page.get_by_label("End reason").select_option("mismatch")
    page.get_by_label("Situation at exit").select_option("still_searching")
    page.get_by_label("Return the mentee to the pool").check()
    page.get_by_role("button", name="Close the duo").click()
    expect(
        page.get_by_role("heading", name=f"Mentors for {other.mentee.first_name}")
    ).to_be_visible()
    other.refresh_from_db()
    assert other.status == "ended"
    ranked = page.locator("tbody tr th a")
    hrefs = [ranked.nth(i).get_attribute("href") for i in range(ranked.count())]
    assert hrefs and f"/mentors/{other.mentor.uuid}/" not in hrefs  # never the same mentor again
    screenshot(page, "rematch")
    page.get_by_role("button", name="Propose").first.click()
    expect(page.get_by_role("status").first).to_contain_text("Proposal made")
    assert (
        Duo.objects.filter(mentee=other.mentee, status="proposed")
        .exclude(mentor=other.mentor)
        .exists()
    )
    page.goto(f"/mentees/{other.mentee.uuid}/suggestions/?why=1")
    expect(page.get_by_text("they were already a pair").first).to_be_visible()
    assert errors == []
