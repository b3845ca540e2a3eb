"""Two-factor authentication for staff (issue 13): coordinators, coaches,
funders, evaluators and administrators enrol an authenticator app at their first
sign-in and give its code at every sign-in; mentors are never asked; the demo
accounts are waived only while DEMO_MODE is on."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.urls import reverse

from tests import factories

PASSWORD = "duo-test-password"
ROLES = ["coordinator", "coach", "funder", "evaluator"]


@pytest.fixture(autouse=True)
def mfa_required(settings):
    settings.MFA_REQUIRED = True
    settings.DEMO_MODE = False


def code_for(secret: str, shift: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + shift))


def sign_in_by_password(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def superuser():
    return factories.UserFactory(is_superuser=True, is_staff=True)


def staff(world, role):
    return superuser() if role == "admin" else getattr(world, role)


# --- enrolment at first sign-in ----------------------------------------------------------


@pytest.mark.parametrize("role", [*ROLES, "admin"])
def test_staff_without_an_authenticator_are_sent_to_enrol(client, world, role):
    client.force_login(staff(world, role))
    enrol = reverse("mfa_activate_totp")
    for url in (reverse("home"), reverse("duos:duo_list"), reverse("programmes:security")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == enrol
    assert client.post(reverse("duos:duo_list")).status_code == 302
    assert client.get(reverse("mfa_index")).status_code == 200
    # This session never saw the password: allauth asks for it before enrolling.
    response = client.get(enrol)
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(response["Location"]).status_code == 200
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(enrol)
    assert page.status_code == 200
    assert page.context["form"].secret


def test_the_administration_too(client, db):
    client.force_login(superuser())
    response = client.get(reverse("admin:index"))
    assert response["Location"] == reverse("mfa_activate_totp")


def test_signing_out_and_the_language_stay_open(client, world):
    client.force_login(world.coordinator)
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response["Location"] == "/"
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_htmx_request_is_sent_to_enrol_as_a_whole_page(client, world):
    client.force_login(world.coach)
    response = client.get(reverse("duos:duo_list"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("mfa_activate_totp")


def test_mentors_are_never_asked(client, world):
    client.force_login(world.mentor_user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert client.get(reverse("programmes:security")).status_code == 200


def test_a_mentor_signs_in_by_password_alone(client, world):
    sign_in_by_password(client, world.mentor_user)
    assert client.get(reverse("home")).context["user"] == world.mentor_user


def test_a_revoked_coordinator_is_no_longer_asked(client, world):
    from django.utils import timezone

    world.coordinator.memberships.update(revoked_at=timezone.now())
    client.force_login(world.coordinator)
    assert client.get(reverse("home")).status_code == 200


def test_not_required_when_the_setting_is_off(client, world, settings):
    settings.MFA_REQUIRED = False
    client.force_login(world.coordinator)
    assert client.get(reverse("home")).status_code == 200


def test_the_whole_enrolment(client, world):
    coordinator = world.coordinator
    sign_in_by_password(client, coordinator)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("mfa_activate_totp")
    secret = client.get(response["Location"]).context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(response["Location"])
    assert codes.status_code == 200
    assert len(codes.context["unused_codes"]) == 10
    # The code just typed counts for this session: the pages open.
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("duos:duo_list")).status_code == 200
    assert Authenticator.objects.filter(user=coordinator, type="totp").exists()


# --- the code at every sign-in -----------------------------------------------------------


@pytest.mark.parametrize("role", [*ROLES, "admin"])
def test_sign_in_asks_for_the_code(client, world, role):
    user = staff(world, role)
    secret = with_totp(user)
    response = sign_in_by_password(client, user)
    assert response["Location"] == reverse("mfa_authenticate")
    # Password alone: not signed in, no page opens.
    response = client.get(reverse("duos:duo_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_signs_in_too(client, world):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    with_totp(world.funder)
    codes = RecoveryCodes.activate(world.funder).generate_codes()
    sign_in_by_password(client, world.funder)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_a_session_opened_without_the_code_opens_no_staff_page(client, world):
    """The admin's own sign-in form, say: the person has an authenticator app
    but this session never saw a code from it."""
    secret = with_totp(world.coordinator)
    client.force_login(world.coordinator)
    for url in (
        reverse("home"),
        reverse("duos:duo_list"),
        reverse("programmes:security"),
        reverse("mfa_index"),
        reverse("mfa_view_recovery_codes"),
        reverse("mfa_deactivate_totp"),
        reverse("account_change_password"),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert reverse("mfa_reauthenticate") in response.content.decode()
    # Confirming with a code opens them.
    confirm = reverse("mfa_reauthenticate") + "?next=/duos/"
    assert client.get(confirm).status_code == 200
    response = client.post(confirm, {"code": code_for(secret), "next": "/duos/"})
    assert response.status_code == 302
    assert client.get(reverse("duos:duo_list")).status_code == 200
    assert Authenticator.objects.filter(user=world.coordinator, type="totp").exists()


# --- the demo accounts -------------------------------------------------------------------


@pytest.fixture
def demo_coordinator(world):
    user = world.coordinator
    user.email = user.username = "coordinator@example.org"
    user.save()
    return user


def test_demo_accounts_are_waived_in_demo_mode(client, demo_coordinator, settings):
    settings.DEMO_MODE = True
    client.force_login(demo_coordinator)
    assert client.get(reverse("home")).status_code == 200


def test_demo_accounts_are_not_waived_outside_demo_mode(client, demo_coordinator):
    client.force_login(demo_coordinator)
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_demo_mode_waives_no_one_else(client, world, settings):
    settings.DEMO_MODE = True
    client.force_login(world.coach)
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_every_demo_staff_account_is_waived_in_demo_mode(db, settings):
    from duos.demo.accounts import ACCOUNTS
    from programmes.signin.policy import mfa_required

    settings.DEMO_MODE = True
    for account in ACCOUNTS:
        user = factories.UserFactory(username=account.email, email=account.email)
        user.is_superuser = True
        assert not mfa_required(user), account.email
