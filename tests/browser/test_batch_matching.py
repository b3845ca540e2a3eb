"""A coordinator reviews a batch run in the browser: rejects a pair, re-solves
(the pair is not proposed again), swaps a mentor in on another row, chooses the
rows to publish, reads the confirmation naming the people, and only those rows
become proposals."""

import pytest
from playwright.sync_api import Page, expect

from duos.models import Duo, MatchingRun
from programmes.models import Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "duo-test-password"


@pytest.fixture
def pool(transactional_db):
    """Amina and Sara want logistics in French in Molenbeek; Karim and Jef fit
    both; Tom (Dutch, ICT, Ghent) fits Els only; Lina (French, ICT, Liège) fits
    nobody well but may be chosen by hand."""
    programme = factories.ProgrammeFactory(name="DUO Brussels")
    coordinator = factories.UserFactory(
        username="sofie@duo.invalid", first_name="Sofie", last_name="Janssens"
    )
    factories.MembershipFactory(
        user=coordinator, organisation=programme.operator, role=Role.COORDINATOR
    )
    french = {"programme": programme, "sectors": ["logistics"], "languages": ["fr"]}
    people = {
        "amina": factories.MenteeFactory(first_name="Amina", last_name="Benali", **french),
        "sara": factories.MenteeFactory(first_name="Sara", last_name="Lemaire", **french),
        "tom": factories.MenteeFactory(
            programme=programme,
            first_name="Tom",
            last_name="Claes",
            sectors=["ict"],
            languages=["nl"],
            postcode="9000",
        ),
        "karim": factories.MentorFactory(first_name="Karim", last_name="Haddad", **french),
        "jef": factories.MentorFactory(
            first_name="Jef", last_name="Vermeulen", postcode="1000", **french
        ),
        "els": factories.MentorFactory(
            programme=programme,
            first_name="Els",
            last_name="Wouters",
            sectors=["ict"],
            languages=["nl"],
            postcode="9000",
        ),
        "lina": factories.MentorFactory(
            programme=programme,
            first_name="Lina",
            last_name="Dubois",
            sectors=["ict"],
            postcode="4000",
        ),
    }
    return {"programme": programme, "coordinator": coordinator, **people}


def sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def row_of(page: Page, mentee) -> object:
    return page.locator("tbody tr").filter(
        has=page.get_by_role("rowheader", name=f"{mentee.first_name} {mentee.last_name}")
    )


def test_reject_resolve_swap_choose_and_confirm(pool, page: Page, screenshot):
    errors: list[str] = []
    page.on("response", lambda r: errors.append(r.url) if r.status >= 500 else None)
    amina, sara, tom, lina = pool["amina"], pool["sara"], pool["tom"], pool["lina"]
    sign_in(page, pool["coordinator"].email)
    page.goto(f"/programmes/{pool['programme'].uuid}/matching/")
    page.get_by_role("button", name="Run batch matching").click()
    expect(page.get_by_role("heading", name="Matching run")).to_be_visible()
    first = MatchingRun.objects.get(programme=pool["programme"])
    rejected = first.drafts.get(mentee=amina).mentor
    assert rejected in (pool["karim"], pool["jef"])
    screenshot(page, "run")

    # Reject Amina's pair: the row says so and offers to undo it.
    page.get_by_role("button", name=f"Reject Amina with {rejected.first_name}").click()
    expect(page.get_by_role("status").first).to_contain_text("rejected: re-solve")
    expect(row_of(page, amina)).to_contain_text("rejected")
    expect(
        row_of(page, amina).get_by_role(
            "button", name=f"Undo the rejection of {rejected.first_name}"
        )
    ).to_be_visible()
    expect(row_of(page, amina).get_by_role("checkbox")).to_have_count(0)  # cannot be published
    screenshot(page, "rejected")

    # Re-solve: Amina gets a mentor, never the rejected one.
    page.get_by_role("button", name="Re-solve the unlocked pairs").click()
    expect(page.get_by_role("status").first).to_contain_text("rejected pairs left out")
    rerun = MatchingRun.objects.filter(programme=pool["programme"]).order_by("-created_at")[0]
    assert rerun.pk != first.pk and rerun.status == MatchingRun.Status.DONE
    new_mentor = rerun.drafts.get(mentee=amina).mentor
    assert new_mentor is not None and new_mentor != rejected
    amina_row = row_of(page, amina)
    expect(amina_row).to_contain_text(f"{new_mentor.first_name} {new_mentor.last_name}")
    expect(amina_row).to_contain_text("Rejected in this run:")
    expect(
        amina_row.get_by_role("button", name=f"Reject Amina with {new_mentor.first_name}")
    ).to_be_visible()
    screenshot(page, "resolved")

    # Swap Lina in on Sara's row: the ranked list says why, choosing locks the row.
    page.get_by_role("link", name="Choose another mentor for Sara").click()
    expect(page.get_by_role("heading", name="Another mentor for Sara Lemaire")).to_be_visible()
    expect(page.locator("ul.reasons").first).to_contain_text("both speak French")
    page.get_by_role("button", name="Choose Lina").click()
    expect(page.get_by_role("status").first).to_contain_text("now goes with Lina")
    sara_draft = rerun.drafts.get(mentee=sara)
    assert sara_draft.mentor == lina and sara_draft.locked
    expect(row_of(page, sara).get_by_role("checkbox")).to_be_checked()  # locked: chosen already
    screenshot(page, "swapped")

    # Choose Amina's row too, not Tom's; the confirmation names them and their addresses.
    tom_mentor = rerun.drafts.get(mentee=tom).mentor
    assert tom_mentor == pool["els"]
    row_of(page, amina).get_by_role("checkbox").check()
    expect(row_of(page, tom).get_by_role("checkbox")).not_to_be_checked()
    page.get_by_role("button", name="Publish the chosen pairs").click()
    expect(page.get_by_role("heading", name="Publish the proposals")).to_be_visible()
    plan = page.locator("ul.plan")
    expect(plan).to_contain_text(
        f"Amina B. with {new_mentor.first_name} {new_mentor.last_name[0]}."
    )
    expect(plan).to_contain_text("Sara L. with Lina D.")
    for person in (amina, sara, new_mentor, lina):
        expect(plan).to_contain_text(person.email)
    expect(plan).not_to_contain_text("Tom")
    expect(page.locator("main")).to_contain_text("2 proposals will be made")
    assert not Duo.objects.filter(programme=pool["programme"]).exists()  # nothing sent yet
    screenshot(page, "confirm")

    page.get_by_role("button", name="Confirm and send 2 proposals").click()
    expect(page.get_by_role("status").first).to_contain_text("2 proposals published")
    proposed = {(d.mentee, d.mentor) for d in Duo.objects.filter(programme=pool["programme"])}
    assert proposed == {(amina, new_mentor), (sara, lina)}
    assert all(
        d.status == Duo.Status.PROPOSED and d.match_score is not None
        for d in Duo.objects.filter(programme=pool["programme"])
    )
    assert not Duo.objects.filter(mentee=amina, mentor=rejected).exists()
    assert not Duo.objects.filter(mentee=tom).exists()  # not chosen: still a draft
    screenshot(page, "published")
    assert errors == []
