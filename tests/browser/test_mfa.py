"""Two-factor authentication in the browser (issue 13): a coordinator signs in
with a password, is sent to enrol an authenticator app, enrols it with a code
computed from the secret the page shows, signs out, and signs in again with the
password and a code. Without the code no staff page opens, and a session opened
by the admin's own sign-in form gets no page before a code is given."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from playwright.sync_api import expect

from programmes.models import Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "a-Long-coordinator-Passw0rd"


def totp_code(secret: str) -> str:
    """What the person's authenticator app shows now (allauth's own HOTP)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture(autouse=True)
def mfa_required(settings):
    settings.MFA_REQUIRED = True
    settings.DEMO_MODE = False


@pytest.fixture
def coordinator(transactional_db):
    programme = factories.ProgrammeFactory(name="DUO Brussel")
    user = factories.UserFactory(
        username="nadia@duo.invalid", first_name="Nadia", password=PASSWORD
    )
    factories.MembershipFactory(user=user, organisation=programme.operator, role=Role.COORDINATOR)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(base_url=base_url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    # Script errors, CSP refusals and server errors. Chromium also reports every
    # 403 and 404 answer ("Failed to load resource"): those are expected here.
    page.errors = []
    page.on(
        "console",
        lambda m: (
            page.errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on(
        "response", lambda r: page.errors.append(f"{r.status} {r.url}") if r.status >= 500 else None
    )
    yield page
    context.close()


def sign_in_with_password(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("^Email")).fill(email)
    page.get_by_label(re.compile("^Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def heading(page):
    return page.get_by_role("heading", level=1)


def test_enrol_at_first_sign_in_then_sign_in_with_a_code(page, base_url, coordinator, screenshot):
    sign_in_with_password(page, coordinator.email)
    expect(page).to_have_url(f"{base_url}/accounts/2fa/totp/activate/")
    expect(heading(page)).to_have_text("Activate Authenticator App")
    # No other page before enrolling.
    for path in ("/", "/duos/", "/mentees/", "/accounts/security/"):
        page.goto(path)
        expect(page).to_have_url(f"{base_url}/accounts/2fa/totp/activate/")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    screenshot(page, "enrol")

    secret = page.locator("#authenticator-secret").inner_text().strip()
    page.get_by_label(re.compile("^Authenticator code")).fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(heading(page)).to_have_text("Recovery Codes")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    screenshot(page, "recovery-codes")
    page.get_by_role("link", name="Continue").click()
    expect(heading(page)).to_have_text("Welcome, Nadia")
    assert Authenticator.objects.filter(user=coordinator, type="totp").exists()

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()

    # The password alone opens nothing.
    sign_in_with_password(page, coordinator.email)
    expect(page).to_have_url(f"{base_url}/accounts/2fa/authenticate/")
    expect(heading(page)).to_have_text("Two-Factor Authentication")
    screenshot(page, "code-asked")
    for path in ("/", "/duos/", "/mentees/", "/accounts/security/"):
        page.goto(path)
        expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
        expect(page.get_by_role("heading", name="Welcome, Nadia")).to_have_count(0)

    # The sign-in waits for the code.
    page.goto("/accounts/2fa/authenticate/")
    page.get_by_label(re.compile("^Code")).fill(totp_code(secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base_url}/")
    expect(heading(page)).to_have_text("Welcome, Nadia")
    page.goto("/duos/")
    expect(page).to_have_url(f"{base_url}/duos/")
    screenshot(page, "signed-in")
    assert page.errors == []


def test_a_session_opened_without_the_code_opens_no_staff_page(page, base_url, transactional_db):
    admin = factories.UserFactory(
        username="sam@duo.invalid", first_name="Sam", password=PASSWORD, is_staff=True
    )
    admin.is_superuser = True
    admin.save()
    secret = generate_totp_secret()
    TOTP.activate(admin, secret)

    # Django's own admin sign-in form knows nothing of the second factor.
    page.goto("/admin/login/")
    page.locator("input[name=username]").fill(admin.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    for path in ("/admin/", "/", "/accounts/2fa/totp/deactivate/", "/accounts/2fa/recovery-codes/"):
        response = page.goto(path)
        assert response.status == 403, path
        expect(heading(page)).to_have_text("Confirm Access")

    page.goto("/admin/")
    page.get_by_role("link", name="Use authenticator app or code").click()
    page.get_by_label(re.compile("^Code")).fill(totp_code(secret))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(f"{base_url}/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    assert page.errors == []
