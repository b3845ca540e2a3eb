"""Two more pages people reach from an e-mail, on a phone in Dutch and in French
(STYLE.md "Tests"), beside tests/browser/test_email_links.py:

- a mentor's invitation: written in the mentor's contact language whatever the
  coordinator's page was in; the mentor sets a password and lands on their own
  duos, with the meeting form of each;
- the coordinator's daily digest: a link to a proposal to confirm, opened while
  signed out, goes through the sign-in page to that duo."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

from duos.models import Duo
from duos.services.accounts import mentor_account_invite
from duos.services.digest import send_coordinator_digests
from programmes.models import Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

OTHER = {"nl": "fr", "fr": "nl"}
PASSWORD = "duo-test-password"
NEW_PASSWORD = "a-new-and-long-passphrase"


def link_in(body: str, path: str, live_server) -> str:
    """The e-mail's link to ``path`` (on SITE_URL), pointed at the live server."""
    match = re.search(re.escape(settings.SITE_URL + path) + r"\S*", body)
    assert match, f"no link to {path} in:\n{body}"
    return match.group(0).replace(settings.SITE_URL, live_server.url)


@pytest.fixture
def programme(transactional_db):
    return factories.ProgrammeFactory(name="DUO Brussel")


@pytest.fixture
def coordinator(programme):
    user = factories.UserFactory(
        username="sofie@duo.invalid", first_name="Sofie", password=PASSWORD
    )
    factories.MembershipFactory(user=user, organisation=programme.operator, role=Role.COORDINATOR)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_invited_mentor_sets_a_password_and_finds_their_duo(
    phone, programme, coordinator, live_server, mailoutbox, screenshot
):
    mentor = factories.MentorFactory(
        programme=programme,
        first_name="Karim",
        email="karim@duo.invalid",
        contact_language=phone.language,
    )
    mentee = factories.MenteeFactory(programme=programme, first_name="Amina")
    factories.DuoFactory(programme=programme, mentee=mentee, mentor=mentor)
    with translation.override(OTHER[phone.language]):  # the coordinator's page
        mentor_account_invite(coordinator, mentor=mentor, request_base=settings.SITE_URL)

    [message] = mailoutbox
    assert message.to == [mentor.email]
    assert message.subject == phone.t("You are invited to Duo")  # the mentor's language
    page = phone.page
    page.goto(link_in(message.body, "/accounts/password/reset/key/", live_server))
    expect(page.get_by_role("heading", level=1)).to_have_text(phone.t("Change Password"))
    phone.check()
    page.get_by_label(phone.label("New Password")).fill(NEW_PASSWORD)
    page.get_by_label(phone.label("New Password (again)")).fill(NEW_PASSWORD)
    page.get_by_role("button", name=phone.t("Change Password")).click()

    # Signed in at once (ACCOUNT_LOGIN_ON_PASSWORD_RESET), on their own duos.
    expect(page.get_by_role("heading", level=2, name=phone.t("Your duos"))).to_be_visible()
    expect(page.get_by_role("heading", level=3, name="Amina")).to_be_visible()
    log = phone.t("Log a meeting with %(name)s") % {"name": "Amina"}
    expect(page.get_by_text(log)).to_be_visible()
    phone.check()
    screenshot(page, f"mentor-invitation-{phone.language}-home")
    phone.assert_clean()


def test_digest_link_opens_the_proposal_after_signing_in(
    phone, programme, coordinator, live_server, mailoutbox, screenshot
):
    mentee = factories.MenteeFactory(programme=programme, first_name="Amina")
    mentor = factories.MentorFactory(programme=programme, first_name="Karim", last_name="Aziz")
    duo = factories.DuoFactory(programme=programme, mentee=mentee, mentor=mentor, proposed=True)
    assert duo.status == Duo.Status.PROPOSED

    assert send_coordinator_digests() == 1  # the daily job
    [message] = mailoutbox
    assert message.to == [coordinator.email]
    page = phone.page
    page.goto(link_in(message.body, f"/duos/{duo.uuid}/", live_server))

    # Signed out: the sign-in page first, in the phone's language, then the duo.
    expect(page.get_by_role("heading", level=1)).to_have_text(phone.t("Sign in"))
    phone.check()
    page.get_by_label(phone.label("Email")).fill(coordinator.email)
    page.get_by_label(phone.label("Password")).fill(PASSWORD)
    page.get_by_role("button", name=phone.t("Sign in")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amina × Karim Aziz")
    expect(page.get_by_role("heading", level=2, name=phone.t("Proposal"))).to_be_visible()
    phone.check()
    screenshot(page, f"digest-{phone.language}-proposal")
    phone.assert_clean()
