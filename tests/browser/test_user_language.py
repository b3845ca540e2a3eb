"""A language per user, in a real browser whose language is Dutch (nl-BE): a
coach who chose English gets English screens after signing in; switching the
language while signed in is kept for the next sign-in; the profile page saves
names, phone and language; an English page writes dates day-month-year."""

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone, translation
from playwright.sync_api import expect

from duos.models import Concern
from programmes.models import Role, UserProfile
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "duo-test-password"


def t(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def label(language: str, message: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(t(language, message))}\s*:?$")


@pytest.fixture
def dutch_browser(browser, base_url):
    context = browser.new_context(locale="nl-BE", timezone_id="Europe/Brussels", base_url=base_url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    yield page
    context.close()
    assert errors == []


@pytest.fixture
def coach(transactional_db):
    programme = factories.ProgrammeFactory(name="DUO Brussel")
    user = factories.UserFactory(
        username="kate@duo.invalid", first_name="Kate", last_name="Walsh", password=PASSWORD
    )
    factories.MembershipFactory(user=user, organisation=programme.operator, role=Role.COACH)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    mentor = factories.MentorFactory(programme=programme, first_name="Marc")
    duo = factories.DuoFactory(programme=programme, mentor=mentor, coach=user)
    concern = Concern.objects.create(duo=duo, raised_by=user, text="Geen nieuws sinds maand")
    Concern.objects.filter(pk=concern.pk).update(
        created_at=timezone.make_aware(dt.datetime(2026, 11, 30, 10, 0))
    )
    return user


def sign_in(page, user, language: str) -> None:
    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name=t(language, "Sign in")).click()
    page.get_by_label(label(language, "Email")).fill(user.email)
    page.get_by_label(label(language, "Password")).fill(PASSWORD)
    page.get_by_role("button", name=t(language, "Sign in")).click()


def sign_out(page, language: str) -> None:
    page.get_by_role("button", name=t(language, "Sign out")).click()


def lang(page) -> str:
    page.wait_for_load_state()
    return page.evaluate("document.documentElement.lang")


def test_a_coach_who_chose_english_gets_english_screens_in_a_dutch_browser(
    dutch_browser, coach, screenshot
):
    UserProfile.objects.create(user=coach, language="en")
    page = dutch_browser
    page.goto("/")
    assert lang(page) == "nl"  # not signed in: the browser's language
    sign_in(page, coach, "nl")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert lang(page) == "en"
    # English dates are day-month-year.
    expect(page.get_by_text("30/11/2026")).to_be_visible()
    assert "11/30/2026" not in page.content()
    screenshot(page, "english-home")
    # Every page, not only the first one.
    page.goto("/duos/")
    assert lang(page) == "en"


def test_switching_language_while_signed_in_survives_a_new_sign_in(
    dutch_browser, coach, screenshot
):
    page = dutch_browser
    sign_in(page, coach, "nl")
    expect(page.get_by_role("button", name=t("nl", "Sign out"))).to_be_visible()
    assert lang(page) == "nl"

    page.get_by_label(t("nl", "Language")).select_option("fr")
    page.get_by_role("button", name=t("nl", "Change")).click()
    expect(page.get_by_role("button", name=t("fr", "Sign out"))).to_be_visible()
    assert lang(page) == "fr"
    assert UserProfile.objects.get(user=coach).language == "fr"

    sign_out(page, "fr")
    page.context.clear_cookies()  # as on another computer: no language cookie
    page.goto("/")
    assert lang(page) == "nl"
    sign_in(page, coach, "nl")
    expect(page.get_by_role("button", name=t("fr", "Sign out"))).to_be_visible()
    assert lang(page) == "fr"
    screenshot(page, "french-after-sign-in")


def test_the_profile_page_from_the_header(dutch_browser, coach, screenshot):
    page = dutch_browser
    sign_in(page, coach, "nl")
    page.get_by_role("banner").get_by_role("link", name=t("nl", "Profile")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("nl", "Profile"))

    page.get_by_label(label("nl", "Phone")).fill("call me")
    page.get_by_role("button", name=t("nl", "Save")).click()
    expect(
        page.get_by_text(t("nl", "Enter a phone number of digits, for example +32 470 12 34 56."))
    ).to_be_visible()

    page.get_by_label(label("nl", "Phone")).fill("+32 470 12 34 56")
    page.get_by_label(label("nl", "Your language")).select_option("en")
    page.get_by_role("button", name=t("nl", "Save")).click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    assert lang(page) == "en"
    screenshot(page, "profile-saved")
    profile = UserProfile.objects.get(user=coach)
    assert (profile.phone, profile.language) == ("+32 470 12 34 56", "en")
