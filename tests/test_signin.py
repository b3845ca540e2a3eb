"""Signing in by password and by an e-mailed code; no open sign-up."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import UserFactory


@pytest.fixture
def person(db):
    user = UserFactory(username="amina@duo.invalid", email="amina@duo.invalid")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_sign_in_by_password_lands_on_home(client, person):
    response = client.post(
        reverse("account_login"), {"login": "amina@duo.invalid", "password": "duo-test-password"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).context["user"] == person


def test_wrong_password_shows_an_error_not_a_500(client, person):
    response = client.post(
        reverse("account_login"), {"login": "amina@duo.invalid", "password": "nope"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_sign_in_by_code(client, person, mailoutbox):
    response = client.post(reverse("account_request_login_code"), {"email": "amina@duo.invalid"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mailoutbox[0].body, re.M).group(1)
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == person


def test_sign_up_is_closed(client, db):
    response = client.get(reverse("account_signup"))
    assert b"Sign Up Closed" in response.content
    response = client.post(
        reverse("account_signup"),
        {
            "email": "intruder@duo.invalid",
            "password1": "x-long-pass-123",
            "password2": "x-long-pass-123",
        },
    )
    assert not get_user_model().objects.filter(email="intruder@duo.invalid").exists()


def test_password_reset_by_email(client, person, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "amina@duo.invalid"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
