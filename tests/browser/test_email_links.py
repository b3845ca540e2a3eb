"""Every page a person reaches from an e-mail, on a phone, in Dutch and in French:
the mentee's follow-up answer, accepting an invitation, resetting a password and
signing in by an e-mailed code (STYLE.md "Tests"). Each starts from the link or
code in the e-mail the application really sends."""

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone, translation
from playwright.sync_api import expect

from duos.models import Outcome
from duos.services import follow_up, follow_up_date
from programmes.models import Role
from programmes.services import membership_invite
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

OTHER = {"nl": "fr", "fr": "nl"}
HELLO = {"nl": "Hallo Amina", "fr": "Bonjour Amina"}
THANKS = {"nl": "Dank je, Amina!", "fr": "Merci, Amina !"}
WELCOME = {"nl": "Welkom, Nadia", "fr": "Bienvenue, Nadia"}
YOUR_PROGRAMMES = {"nl": "Je programma's", "fr": "Vos programmes"}
PASSWORD = "duo-test-password"
NEW_PASSWORD = "a-new-and-long-passphrase"


def link_in(body: str, base: str) -> str:
    match = re.search(re.escape(base) + r"\S*", body)
    assert match, f"no link to {base} in:\n{body}"
    return match.group(0)


@pytest.fixture
def programme(transactional_db):
    return factories.ProgrammeFactory(name="DUO Brussel", follow_up_months=6)


@pytest.fixture
def coordinator(programme):
    return person(programme, "Nadia", Role.COORDINATOR, password=PASSWORD)


def person(programme, first_name: str, role: str, *, password=None):
    user = factories.UserFactory(
        username=f"{first_name.lower()}@duo.invalid", first_name=first_name, password=password
    )
    factories.MembershipFactory(user=user, organisation=programme.operator, role=role)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_in_page(phone):
    """From the header's link, as a person who is not signed in."""
    page = phone.page
    page.get_by_role("banner").get_by_role("link", name=phone.t("Sign in")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(phone.t("Sign in"))
    phone.check()


def sign_in(phone, email: str, password: str) -> None:
    page = phone.page
    page.get_by_label(phone.label("Email")).fill(email)
    page.get_by_label(phone.label("Password")).fill(password)
    page.get_by_role("button", name=phone.t("Sign in")).click()


def signed_in_as_coordinator(phone) -> None:
    page = phone.page
    expect(page.get_by_role("heading", level=1)).to_have_text(WELCOME[phone.language])
    expect(
        page.get_by_role("heading", level=2, name=YOUR_PROGRAMMES[phone.language])
    ).to_be_visible()
    expect(page.get_by_role("button", name=phone.t("Sign out"))).to_be_visible()
    phone.check()


# --- the follow-up answer -------------------------------------------------------------


def test_mentee_answers_the_follow_up_from_the_e_mail(
    phone, programme, live_server, mailoutbox, screenshot
):
    """The e-mail is in the mentee's language; she switches the page to the
    other one with the site's language switch, then answers. This page answered
    403 in real browsers while it sent "Referrer-Policy: no-referrer" (the form
    posted with "Origin: null", refused by the CSRF check)."""
    today = timezone.localdate()
    ended_on = today - relativedelta(months=6)
    mentee = factories.MenteeFactory(
        programme=programme,
        status="done",
        first_name="Amina",
        email="amina@duo.invalid",
        contact_language=OTHER[phone.language],
    )
    duo = factories.DuoFactory(
        programme=programme,
        mentee=mentee,
        ended=True,
        started_on=ended_on - dt.timedelta(weeks=26),
        ended_on=ended_on,
    )
    assert follow_up_date(duo) <= today

    assert follow_up.send_follow_up_requests() == 1  # the daily job

    [message] = mailoutbox
    assert message.to == [mentee.email]
    assert HELLO[OTHER[phone.language]] in message.body
    link = link_in(message.body, settings.SITE_URL).replace(settings.SITE_URL, live_server.url)
    page = phone.page
    page.goto(link)
    other = OTHER[phone.language]
    expect(page.get_by_role("heading", level=1)).to_have_text(HELLO[other])
    phone.check(language=other)

    # The switch is still in the other language: "Taal"/"Wijzigen" or "Langue"/"Changer".
    with translation.override(other):
        switch, change = translation.gettext("Language"), translation.gettext("Change")
    page.get_by_label(switch).select_option(phone.language)
    page.get_by_role("button", name=change).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(HELLO[phone.language])
    phone.check()
    screenshot(page, f"follow-up-{phone.language}-question")

    question = page.get_by_role("group", name=phone.t("What is your situation today?"))
    question.get_by_label(phone.t("I have a job")).check()
    page.get_by_role("button", name=phone.t("Send my answer")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(THANKS[phone.language])
    phone.check()
    screenshot(page, f"follow-up-{phone.language}-thanks")
    outcome = Outcome.objects.get(duo=duo, point=Outcome.Point.FOLLOW_UP)
    assert (outcome.status, outcome.source) == (Outcome.Status.EMPLOYED, Outcome.Source.MENTEE)
    phone.assert_clean()


# --- accepting an invitation ------------------------------------------------------------


def test_invited_person_sets_a_password_and_signs_in(
    phone, programme, live_server, mailoutbox, screenshot
):
    inviter = person(programme, "Sofie", Role.COORDINATOR)
    with translation.override(phone.language):  # the coordinator's page was in this language
        membership_invite(
            inviter,
            email="nadia@duo.invalid",
            first_name="Nadia",
            last_name="Haddad",
            organisation=programme.operator,
            role=Role.COORDINATOR,
            request_base=live_server.url + "/",
        )
    [message] = mailoutbox
    assert message.to == ["nadia@duo.invalid"]
    page = phone.page
    page.goto(link_in(message.body, live_server.url + "/accounts/password/reset/key/"))
    set_password(phone, screenshot, "invitation")
    expect(page.get_by_role("link", name="DUO Brussel")).to_be_visible()
    screenshot(page, f"invitation-{phone.language}-home")
    phone.assert_clean()


def set_password(phone, screenshot, flow: str) -> None:
    page = phone.page
    expect(page.get_by_role("heading", level=1)).to_have_text(phone.t("Change Password"))
    phone.check()
    page.get_by_label(phone.label("New Password")).fill(NEW_PASSWORD)
    page.get_by_label(phone.label("New Password (again)")).fill(NEW_PASSWORD)
    screenshot(page, f"{flow}-{phone.language}-password")
    page.get_by_role("button", name=phone.t("Change Password")).click()
    # ACCOUNT_LOGIN_ON_PASSWORD_RESET: the person lands signed in, on their home.
    signed_in_as_coordinator(phone)


# --- password reset ----------------------------------------------------------------------


def test_forgotten_password_is_reset_from_the_e_mail(
    phone, coordinator, live_server, mailoutbox, screenshot
):
    page = phone.page
    page.goto("/")
    sign_in_page(phone)
    screenshot(page, f"reset-{phone.language}-sign-in")
    page.get_by_role("link", name=phone.t("Forgot your password?")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(phone.t("Password Reset"))
    phone.check()
    page.get_by_label(phone.label("Email")).fill(coordinator.email)
    page.get_by_role("button", name=phone.t("Reset My Password")).click()
    sent = (
        "We have sent you an email. If you have not received it please check your spam folder. "
        "Otherwise contact us if you do not receive it in a few minutes."
    )
    expect(page.get_by_text(phone.t(sent))).to_be_visible()
    phone.check()

    [message] = mailoutbox
    assert message.to == [coordinator.email]
    # Links in e-mails are on SITE_URL, never on the request's host.
    link = link_in(message.body, settings.SITE_URL + "/accounts/password/reset/key/")
    page.goto(link.replace(settings.SITE_URL, live_server.url))
    set_password(phone, screenshot, "reset")

    # The new password is the one that works from now on.
    page.get_by_role("button", name=phone.t("Sign out")).click()
    sign_in_page(phone)
    sign_in(phone, coordinator.email, NEW_PASSWORD)
    signed_in_as_coordinator(phone)
    phone.assert_clean()


# --- sign-in by an e-mailed code -------------------------------------------------------------


def test_sign_in_with_a_code_from_the_e_mail(phone, coordinator, mailoutbox, screenshot):
    page = phone.page
    page.goto("/")
    sign_in_page(phone)
    page.get_by_role("link", name=phone.t("Send me a sign-in code by e-mail")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(phone.t("Send me a sign-in code"))
    phone.check()
    page.get_by_label(phone.label("Email")).fill(coordinator.email)
    page.get_by_role("button", name=phone.t("Request Code")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(phone.t("Enter Sign-In Code"))
    phone.check()
    [message] = mailoutbox
    assert message.to == [coordinator.email]
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", message.body, re.M).group(1)
    page.get_by_label(phone.label("Code")).fill(code)
    screenshot(page, f"code-{phone.language}-entered")
    page.get_by_role("button", name=phone.t("Confirm")).click()

    signed_in_as_coordinator(phone)
    phone.assert_clean()
