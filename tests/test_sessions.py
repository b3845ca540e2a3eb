"""Sessions (issue 13): staff sessions end after 8 idle hours, mentors' after
30 days; "sign out everywhere" ends every session of the person; a password
change ends every session but the one it was made in."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programmes.models import Role
from tests import factories

PASSWORD = "duo-test-password"
HOUR = 3600


def signed_in(user) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    return client


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("home")).context["user"].is_authenticated


# --- lifetime per role ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "coach", "funder", "evaluator"])
def test_a_staff_session_lasts_8_idle_hours(world, role):
    client = signed_in(getattr(world, role))
    assert client.session.get_expiry_age() == 8 * HOUR
    assert client.cookies["sessionid"]["max-age"] == 8 * HOUR


def test_an_administrators_session_too(db):
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    client = signed_in(admin)
    assert client.session.get_expiry_age() == 8 * HOUR


def test_a_mentors_session_lasts_30_idle_days(world):
    client = signed_in(world.mentor_user)
    assert client.session.get_expiry_age() == 30 * 24 * HOUR
    assert client.cookies["sessionid"]["max-age"] == 30 * 24 * HOUR


def test_no_remember_me_box(client, db):
    assert "remember" not in client.get(reverse("account_login")).context["form"].fields


def test_the_lifetime_follows_a_role_granted_meanwhile(world):
    client = signed_in(world.mentor_user)
    factories.MembershipFactory(
        user=world.mentor_user, organisation=world.programme.operator, role=Role.COACH
    )
    client.get(reverse("home"))
    assert client.session.get_expiry_age() == 8 * HOUR


def test_a_staff_session_ends_after_8_idle_hours_not_8_busy_ones(world):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in(world.coordinator)
        for _ in range(3):  # busy for 21 hours: still signed in
            clock.shift(dt.timedelta(hours=7))
            assert is_signed_in(client)
        clock.shift(dt.timedelta(hours=8, minutes=1))
        assert not is_signed_in(client)


def test_the_session_is_written_at_most_once_a_minute(world):
    from django.contrib.sessions.models import Session

    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in(world.coordinator)
        client.get(reverse("home"))
        key = client.session.session_key
        first = Session.objects.get(session_key=key).expire_date
        clock.shift(dt.timedelta(seconds=30))
        client.get(reverse("home"))
        assert Session.objects.get(session_key=key).expire_date == first
        clock.shift(dt.timedelta(seconds=31))
        client.get(reverse("home"))
        assert Session.objects.get(session_key=key).expire_date == first + dt.timedelta(seconds=61)


def test_a_mentors_session_ends_after_30_idle_days(world):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in(world.mentor_user)
        clock.shift(dt.timedelta(days=29))
        assert is_signed_in(client)
        clock.shift(dt.timedelta(days=30, minutes=1))
        assert not is_signed_in(client)


# --- sign out everywhere -------------------------------------------------------------------


def test_sign_out_everywhere_ends_every_session_of_the_person(world):
    laptop, phone = signed_in(world.coordinator), signed_in(world.coordinator)
    other = signed_in(world.coach)
    page = laptop.get(reverse("programmes:security"))
    assert reverse("programmes:sign_out_everywhere") in page.content.decode()

    response = laptop.post(reverse("programmes:sign_out_everywhere"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)
    response = phone.get(reverse("duos:duo_list"))
    assert response["Location"].startswith(reverse("account_login"))
    assert is_signed_in(other)
    # Signing in again works, on any device.
    assert is_signed_in(signed_in(world.coordinator))


def test_sign_out_everywhere_also_ends_sessions_opened_otherwise(world):
    forced = Client()
    forced.force_login(world.mentor_user)
    mine = signed_in(world.mentor_user)
    mine.post(reverse("programmes:sign_out_everywhere"))
    assert not is_signed_in(forced)


def test_sign_out_everywhere_is_a_post(world):
    client = signed_in(world.mentor_user)
    assert client.get(reverse("programmes:sign_out_everywhere")).status_code == 405
    assert is_signed_in(client)


@pytest.mark.parametrize("role", ["mentor_user", "coach", "funder"])
def test_the_header_links_to_the_account_page(world, role):
    client = signed_in(getattr(world, role))
    assert reverse("programmes:security") in client.get(reverse("home")).content.decode()
    assert client.get(reverse("programmes:security")).status_code == 200


def test_a_superuser_without_a_role_has_the_django_admin_only(db):
    client = signed_in(factories.UserFactory(is_superuser=True, is_staff=True))
    assert reverse("programmes:security") not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("programmes:security")).status_code == 403


# --- a password change ---------------------------------------------------------------------


def test_a_password_change_ends_the_other_sessions(world):
    here, elsewhere = signed_in(world.coordinator), signed_in(world.coordinator)
    response = here.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-and-long-passphrase",
            "password2": "a-new-and-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
