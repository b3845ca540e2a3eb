"""The intake, end to end in a real browser: a mentee and a mentor apply through
the public forms, the coordinator screens both, trains the mentor, and both
become ready. Screenshots land in test-artifacts/screenshots/ (git-ignored)."""

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import Page, expect

from duos.models import Mentee, Mentor, PipelineStatus
from programmes.models import Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "duo-test-password"
MENTEE = {"first": "Amina", "last": "Benali", "email": "amina.benali@duo.invalid"}
MENTOR = {"first": "Luc", "last": "Peeters", "email": "luc.peeters@duo.invalid"}


def _years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


@pytest.fixture
def programme(transactional_db):
    """Trains its mentors, takes mentees of 18–35 and mentors from 50, and does
    not ask for a migration background."""
    return factories.ProgrammeFactory(
        name="DUO Brussels",
        mentee_min_age=18,
        mentee_max_age=35,
        mentor_min_age=50,
        mentee_migration_background_required=False,
        training_required=True,
    )


@pytest.fixture
def coordinator(programme):
    user = factories.UserFactory(
        username="coordinator@duo.invalid",
        email="coordinator@duo.invalid",
        first_name="Sofie",
        last_name="Janssens",
    )
    factories.MembershipFactory(user=user, organisation=programme.operator, role=Role.COORDINATOR)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def server_errors(page: Page) -> list[str]:
    """Every 5xx the browser receives; the flow must end with none."""
    errors: list[str] = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    return errors


def fill_identity(page: Page, person: dict, *, born: dt.date) -> None:
    page.get_by_label("First name").fill(person["first"])
    page.get_by_label("Last name").fill(person["last"])
    page.get_by_label(re.compile(r"^E-mail")).fill(person["email"])
    page.get_by_label("Phone").fill("+32 470 12 34 56")
    page.get_by_label("Birth date").fill(born.isoformat())
    page.get_by_label("Gender").select_option(label="Female")
    page.get_by_label("Postcode").fill("1080")
    page.get_by_label("Municipality").fill("Molenbeek-Saint-Jean")
    languages = page.get_by_role("group", name="Languages you speak")
    languages.get_by_label("French").check()
    languages.get_by_label("Dutch").check()
    page.get_by_role("group", name="Sectors").get_by_label("Logistics and transport").check()
    page.get_by_label("Language for e-mails").select_option(label="French")
    page.get_by_label("I agree that the programme keeps these data").check()


def tab_to(page: Page, target, *, limit: int = 120) -> list[str]:
    """Press Tab until `target` has the focus; returns the ids focused on the way."""
    focused = []
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return focused
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.id"))
    pytest.fail(f"Tab never reached {target}; focus went through {focused}")


def apply_as_mentee(page: Page, programme, screenshot) -> None:
    page.goto(f"/apply/{programme.slug}/mentee/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply to DUO Brussels")
    fill_identity(page, MENTEE, born=_years_ago(24))
    page.get_by_label("Motivation").fill("I want to find work in logistics.")
    screenshot(page, "mentee-application")

    # Keyboard only: from the first field, Tab through the whole form to the
    # button and send it with Enter. The honeypot must stay out of the way.
    page.get_by_label("First name").focus()
    send = page.get_by_role("button", name="Send my application")
    path = tab_to(page, send)
    assert "id_website" not in path
    for field in ("id_email", "id_birth_date", "id_postcode", "id_languages_0", "id_consent"):
        assert field in path, f"{field} cannot be reached with Tab"
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/apply/{programme.slug}/thanks/$"))
    screenshot(page, "mentee-thanks")


def apply_as_mentor(page: Page, programme, screenshot) -> None:
    page.goto(f"/apply/{programme.slug}/mentor/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Become a mentor with DUO Brussels")
    fill_identity(page, MENTOR, born=_years_ago(58))
    page.get_by_label(re.compile(r"^Profession\b")).fill("Warehouse manager")
    page.get_by_label("Professional experience (years)").fill("30")
    page.get_by_label("Capacity (concurrent duos)").fill("2")
    page.get_by_label("Availability").fill("Tuesday afternoons")
    screenshot(page, "mentor-application")
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    screenshot(page, "mentor-thanks")


def sign_in(page: Page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def screen(page: Page, list_link: str, person: dict, screenshot, **choices) -> None:
    """Open the person from the coordinator's list and record the intake interview."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=list_link).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(list_link)
    name = f"{person['first']} {person['last']}"
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_role("main").get_by_text("Applied", exact=True)).to_be_visible()
    page.get_by_role("link", name="Record the intake interview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Intake interview: {name}")
    expect(page.get_by_role("listitem").filter(has_text="within the age rules")).to_be_visible()
    page.get_by_label("Interview date").fill(timezone.localdate().isoformat())
    page.get_by_label("Notes").fill("Motivated; clear about what they expect.")
    for label, option in choices.items():
        page.get_by_label(label).select_option(label=option)
    screenshot(page, f"{list_link.lower()}-interview")
    page.get_by_role("button", name="Save the interview").click()
    expect(page.get_by_role("status")).to_contain_text(f"{name} is screened")


def train(page: Page, programme, screenshot) -> None:
    page.goto(f"/programmes/{programme.uuid}/training/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentor training — DUO Brussels")
    page.get_by_label("Title").fill("Mentoring basics")
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Location").fill("Molenbeek")
    page.get_by_role("button", name="Create the session").click()
    expect(page.get_by_role("status")).to_contain_text("Training session created.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentoring basics")
    attended = page.get_by_role("group", name="Mentors who attended")
    attended.get_by_label(f"{MENTOR['first']} {MENTOR['last']}").check()
    screenshot(page, "training-attendance")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("status")).to_contain_text("Attendance recorded.")
    expect(attended.get_by_label(f"{MENTOR['first']} {MENTOR['last']}")).to_be_checked()


def test_applicants_are_screened_and_trained_until_both_are_ready(
    page: Page, live_server, programme, coordinator, server_errors, screenshot
):
    apply_as_mentee(page, programme, screenshot)
    apply_as_mentor(page, programme, screenshot)
    mentee = Mentee.objects.get(programme=programme, email=MENTEE["email"])
    mentor = Mentor.objects.get(programme=programme, email=MENTOR["email"])
    assert (mentee.status, mentor.status) == (PipelineStatus.APPLIED, PipelineStatus.APPLIED)
    assert sorted(mentee.languages) == ["fr", "nl"]
    assert (mentor.capacity, mentor.profession) == (2, "Warehouse manager")

    sign_in(page, coordinator)
    screen(
        page,
        "Mentees",
        MENTEE,
        screenshot,
        **{"Employment status at entry": "Unemployed", "Referred by": "Public employment service"},
    )
    expect(page.get_by_role("main").get_by_text("Ready", exact=True)).to_be_visible()
    screenshot(page, "mentee-ready")
    mentee.refresh_from_db()
    assert mentee.status == PipelineStatus.READY
    assert mentee.employment_status_at_entry == "unemployed"
    assert mentee.screenings.get().eligible

    screen(page, "Mentors", MENTOR, screenshot)
    expect(page.get_by_role("main").get_by_text("Screened", exact=True)).to_be_visible()
    screenshot(page, "mentor-screened")
    mentor.refresh_from_db()
    assert mentor.status == PipelineStatus.SCREENED  # training is still to do

    train(page, programme, screenshot)
    page.goto(f"/mentors/{mentor.uuid}/")
    expect(page.get_by_role("main").get_by_text("Ready", exact=True)).to_be_visible()
    screenshot(page, "mentor-ready")
    mentor.refresh_from_db()
    assert mentor.status == PipelineStatus.READY
    assert mentor.training_completed_on == timezone.localdate()
    assert server_errors == []


def test_empty_mentee_application_shows_field_errors_not_a_500(
    page: Page, live_server, programme, screenshot
):
    page.goto(f"/apply/{programme.slug}/mentee/")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Send my application").click()
    assert posted.value.status == 400

    for label in ("First name", re.compile(r"^E-mail"), "Birth date", "Postcode"):
        field = page.get_by_label(label)
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description("This field is required.")
    expect(page.get_by_label("I agree that the programme keeps these data")).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(page.get_by_role("group", name="Languages you speak")).to_have_accessible_description(
        "This field is required."
    )
    screenshot(page, "mentee-empty-errors")
    assert not Mentee.objects.exists()
