"""The account links in the header (profile, security) follow the same audience
as the pages they lead to (programmes.signin.views.EVERYONE): the context
processor decides, the template only reads ``nav.account``."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories

PROFILE = f'href="{reverse("programmes:profile")}"'
SECURITY = f'href="{reverse("programmes:security")}"'


@pytest.mark.parametrize("who", ["coordinator", "coach", "funder", "evaluator", "mentor_user"])
def test_everyone_who_works_in_duo_gets_the_account_links(client, world, who):
    client.force_login(getattr(world, who))
    page = client.get(reverse("home")).content.decode()
    assert PROFILE in page
    assert SECURITY in page


def test_an_administrator_without_a_role_gets_no_account_links(client, db):
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = client.get(reverse("home")).content.decode()
    assert PROFILE not in page
    assert SECURITY not in page
    assert reverse("account_logout") in page


def test_anonymous_visitors_get_no_account_links(client, db):
    page = client.get(reverse("home")).content.decode()
    assert PROFILE not in page
    assert SECURITY not in page


def test_the_invitation_form_explains_the_language_choice(client, world):
    client.force_login(world.coordinator)
    page = client.get(reverse("programmes:team")).content.decode()
    assert 'id="id_language_helptext"' in page
    assert 'aria-describedby="id_language_helptext"' in page
