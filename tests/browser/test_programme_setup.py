"""Setting a programme up in a real browser (issue 15, part 1): a coordinator
creates next year's programme with its rules through the form, adds a funder
and its funding, saves the matching weights, invites the funder's contact
granted that programme, and the new programme's intake and figures work.
Screenshots land in test-artifacts/screenshots/ (git-ignored)."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from duos.models import Mentee
from programmes.models import (
    Funding,
    MatchingWeights,
    Membership,
    Organisation,
    Programme,
    Role,
    RulesVersion,
)
from tests import factories
from tests.browser.test_intake_flow import MENTEE, _years_ago, fill_identity, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

NAME = "DUO Liège 2027"


@pytest.fixture
def coordinator(transactional_db):
    """A coordinator of an operator that already runs a programme."""
    current = factories.ProgrammeFactory(name="DUO Brussels")
    user = factories.UserFactory(
        username="coordinator@duo.invalid",
        email="coordinator@duo.invalid",
        first_name="Sofie",
        last_name="Janssens",
    )
    factories.MembershipFactory(user=user, organisation=current.operator, role=Role.COORDINATOR)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def server_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    return errors


def label(text: str) -> re.Pattern:
    """A field's label exactly (Django may add a colon)."""
    return re.compile(rf"^{re.escape(text)}:?$")


def create_programme(page: Page, screenshot) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programmes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programmes")
    page.get_by_role("link", name="New programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New programme")

    # A bad period first: a clear message, nothing created.
    page.get_by_label(label("Name")).fill(NAME)
    page.get_by_label(label("Address name")).fill("duo-liege-2027")
    page.get_by_label(label("Region")).select_option(label="Wallonia")
    page.get_by_label(label("Starts on")).fill("2027-01-01")
    page.get_by_label(label("Ends on")).fill("2026-12-31")
    page.get_by_label(label("Sites")).fill("Liège\nSeraing\n\nHerstal")
    languages = page.get_by_role("group", name="Languages")
    languages.get_by_label("French").check()
    languages.get_by_label("Dutch").check()
    page.get_by_label(label("Mentee minimum age")).fill("18")
    page.get_by_label(label("Mentee maximum age")).fill("29")
    page.get_by_label("Mentees need a migration background").check()
    page.get_by_label(re.compile("At most lower secondary")).check()
    page.get_by_label(label("Mentor minimum age")).fill("50")
    page.get_by_label(label("Mentor minimum professional experience (years)")).fill("10")
    page.get_by_label("Mentor training required").check()
    page.get_by_label("A mentor-coach follows each duo").check()
    page.get_by_label(label("Duo length (weeks)")).fill("26")
    page.get_by_label(label("Expected meetings per month")).fill("4")
    page.get_by_label(label("Follow-up horizon (months after the duo ended)")).fill("6")
    page.get_by_label(label("Yearly duo target")).fill("120")
    page.get_by_label(label("Data retention (years)")).fill("5")
    page.get_by_role("button", name="Create the programme").click()
    expect(page.get_by_text("The programme ends before it starts")).to_be_visible()
    assert not Programme.objects.filter(slug="duo-liege-2027").exists()
    # The form kept what was typed and ticked.
    expect(languages.get_by_label("French")).to_be_checked()
    expect(page.get_by_label(label("Sites"))).to_have_value("Liège\nSeraing\n\nHerstal")

    page.get_by_label(label("Ends on")).fill("2027-12-31")
    screenshot(page, "programme-form")
    page.get_by_role("button", name="Create the programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(page.get_by_role("status")).to_contain_text("created (rules version 1)")
    rules = page.get_by_role("region", name="Rules")
    for words in (
        "Duos run 26 weeks and meet about 4 times a month",
        "Mentees: 18 to 29 years old, with a migration background; education: at most lower "
        "secondary (ISCED 0–2)",
        "Mentors: at least 50 years old, 10 years of professional experience; training required",
        "A mentor-coach follows each duo",
        "Follow-up 6 months after the duo ends",
        "Languages: Dutch, French",
        "Sites: Liège, Seraing, Herstal",
        "Data kept 5 years",
        "Rules version 1, since",
    ):
        expect(rules).to_contain_text(words)
    expect(rules).not_to_contain_text("isced")
    screenshot(page, "programme-page")


def add_funder_and_funding(page: Page, screenshot) -> None:
    page.get_by_role("main").get_by_role("link", name="Fundings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Fundings of {NAME}")
    page.get_by_role("link", name="Add a funder, employment service or research").click()
    page.get_by_label(label("Name")).fill("Forem")
    page.get_by_label(label("Kind")).select_option(label="Public employment service")
    page.get_by_label(label("Region")).select_option(label="Wallonia")
    page.get_by_role("button", name="Add the organisation").click()
    expect(page.get_by_role("status")).to_contain_text("Forem added (public employment service)")

    page.get_by_label(label("Funder")).select_option(label="Forem")
    page.get_by_label(label("Amount (EUR)")).fill("7762500")
    page.get_by_label(label("Starts on")).fill("2027-01-01")
    page.get_by_label(label("Ends on")).fill("2027-12-31")
    page.get_by_label(label("Target duos for the period")).fill("855")
    page.get_by_role("button", name="Add the funding").click()
    expect(page.get_by_role("status")).to_contain_text("Funding added.")
    row = page.get_by_role("row").filter(has_text="Forem")
    expect(row).to_contain_text("€7,762,500")
    expect(row).to_contain_text("855")
    expect(page.get_by_role("main")).not_to_contain_text("7762500.00")
    screenshot(page, "fundings")
    page.get_by_role("link", name="Back to the programme").click()
    expect(page.get_by_role("main")).to_contain_text("Forem: €7,762,500")


def save_weights(page: Page, screenshot) -> None:
    page.get_by_role("main").get_by_role("link", name="Matching weights").click()
    expect(page.get_by_text("The six weights must add up to 100.")).to_be_visible()
    page.get_by_role("button", name="Save the weights").click()  # unchanged
    expect(page.get_by_role("status")).to_contain_text("The weights did not change")
    page.goto(page.url.replace("/matching/", "/weights/"))
    page.get_by_label(label("Same sector")).fill("50")
    page.get_by_role("button", name="Save the weights").click()
    expect(page.get_by_text("The weights add up to 110; they must add up to 100.")).to_be_visible()
    page.get_by_label(label("Same sector")).fill("35")
    page.get_by_label(label("Shared languages")).fill("30")
    screenshot(page, "weights")
    page.get_by_role("button", name="Save the weights").click()
    expect(page.get_by_role("status")).to_contain_text("New weights saved as version 2.")


def invite_funder(page: Page, screenshot) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Team and access").click()
    page.get_by_label(label("E-mail")).fill("nadia.forem@duo.invalid")
    page.get_by_label(label("First name")).fill("Nadia")
    page.get_by_label(label("Role")).select_option(label="Funder")
    page.get_by_label(label("Organisation")).select_option(label="Forem")
    page.get_by_role("group", name=re.compile("^Programmes")).get_by_label(NAME).check()
    screenshot(page, "invite-funder")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text("nadia.forem@duo.invalid is invited")
    expect(page.get_by_role("row").filter(has_text="nadia.forem@duo.invalid")).to_contain_text(NAME)


def test_a_coordinator_sets_up_next_years_programme(
    page: Page, live_server, coordinator, server_errors, screenshot
):
    sign_in(page, coordinator)
    create_programme(page, screenshot)
    programme = Programme.objects.get(slug="duo-liege-2027")
    assert programme.sites == ["Liège", "Seraing", "Herstal"]
    assert programme.languages == ["fr", "nl"]
    assert programme.mentee_education_levels == ["isced_0_2"]
    assert RulesVersion.objects.filter(programme=programme).count() == 1

    add_funder_and_funding(page, screenshot)
    forem = Organisation.objects.get(name="Forem")
    funding = Funding.objects.get(programme=programme)
    assert (funding.funder, funding.amount, funding.target_duos) == (forem, 7762500, 855)

    save_weights(page, screenshot)
    versions = MatchingWeights.objects.filter(programme=programme).order_by("version")
    assert [(w.version, w.weights["sector"]) for w in versions] == [(1, 40), (2, 35)]

    invite_funder(page, screenshot)
    membership = Membership.objects.get(organisation=forem, role=Role.FUNDER)
    assert list(membership.programmes.all()) == [programme]

    # The intake: the public application form of the new programme takes a mentee...
    response = page.goto(f"/apply/{programme.slug}/mentee/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Apply to {NAME}")
    fill_identity(page, MENTEE, born=_years_ago(24))
    page.get_by_label("Motivation").fill("I want to work in logistics.")
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert Mentee.objects.filter(programme=programme, email=MENTEE["email"]).exists()
    # ... who is on the coordinator's list of this programme's mentees.
    response = page.goto(f"/mentees/?programme={programme.uuid}")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentees")
    expect(page.get_by_role("link", name=f"{MENTEE['first']} {MENTEE['last']}")).to_be_visible()

    # The figures page of the new programme.
    response = page.goto(f"/figures/{programme.uuid}/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Figures — {NAME}")
    screenshot(page, "figures")
    assert server_errors == []
