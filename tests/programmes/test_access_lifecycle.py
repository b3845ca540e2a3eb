"""The access lifecycle (DESIGN.md "Who sees what"): revoking voids unused
invitation links; re-inviting sends a fresh link; a coordinator revokes only the
grants of their own programmes, never another operator's nor the account."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from programmes.models import Membership, Role
from tests.factories import FundingFactory, MembershipFactory, ProgrammeFactory

User = get_user_model()
LINK = re.compile(r"https?://[^\s]+/accounts/password/reset/key/[^\s]+")


@pytest.fixture
def coordinator(client, world):
    client.force_login(world.coordinator)
    return client


def invite(client, world, capture, email="new.coach@duo.invalid", role=Role.COACH, **extra):
    data = {
        "email": email,
        "first_name": "Nele",
        "role": role,
        "organisation": world.programme.operator.pk,
        **extra,
    }
    with capture(execute=True):
        return client.post(reverse("programmes:team"), data)


def set_password(client, link: str):
    """Open the e-mailed link as a stranger to the site would, and set a password."""
    client.logout()
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path, follow=True)
    if page.status_code != 200 or "password1" not in page.content.decode():
        return page
    return client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else "/" + path,
        {"password1": "a-Long-and-new-Passw0rd", "password2": "a-Long-and-new-Passw0rd"},
        follow=True,
    )


def test_an_unused_invitation_link_is_void_once_access_is_revoked(
    coordinator, world, mailoutbox, django_capture_on_commit_callbacks
):
    invite(coordinator, world, django_capture_on_commit_callbacks)
    link = LINK.search(mailoutbox[-1].body).group(0)
    membership = Membership.objects.get(user__email="new.coach@duo.invalid")
    coordinator.post(reverse("programmes:membership_revoke", args=[membership.uuid]))

    set_password(coordinator, link)
    user = User.objects.get(email="new.coach@duo.invalid")
    assert not user.has_usable_password()
    assert not user.is_active


def test_a_link_still_works_when_nothing_changed(
    coordinator, world, mailoutbox, django_capture_on_commit_callbacks
):
    invite(coordinator, world, django_capture_on_commit_callbacks)
    link = LINK.search(mailoutbox[-1].body).group(0)
    set_password(coordinator, link)
    assert User.objects.get(email="new.coach@duo.invalid").has_usable_password()


def test_re_inviting_sends_a_fresh_link(
    coordinator, world, mailoutbox, django_capture_on_commit_callbacks
):
    invite(coordinator, world, django_capture_on_commit_callbacks)
    response = invite(coordinator, world, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert len(mailoutbox) == 2
    assert Membership.objects.filter(user__email="new.coach@duo.invalid").count() == 1


def test_coming_back_after_a_revocation_sends_a_link(
    coordinator, world, mailoutbox, django_capture_on_commit_callbacks
):
    """A person who had set a password, was revoked, then invited again, is told."""
    coach = world.coach
    coach.set_password("an-old-Passw0rd!")
    coach.save()
    membership = Membership.objects.get(user=coach)
    coordinator.post(reverse("programmes:membership_revoke", args=[membership.uuid]))
    coach.refresh_from_db()
    assert not coach.is_active
    invite(coordinator, world, django_capture_on_commit_callbacks, email=coach.email)
    coach.refresh_from_db()
    assert coach.is_active
    assert [m.to for m in mailoutbox] == [[coach.email]]
    assert LINK.search(mailoutbox[0].body)


def test_revoking_a_funder_removes_only_this_operator_s_grants(client, world):
    """The funder is also granted another operator's programme: that grant, the
    membership and the account stay."""
    other_operator_programme = ProgrammeFactory(name="Elsewhere")
    membership = Membership.objects.get(user=world.funder)
    membership.programmes.add(other_operator_programme)
    FundingFactory(programme=other_operator_programme, funder=membership.organisation)

    client.force_login(world.coordinator)
    response = client.post(reverse("programmes:membership_revoke", args=[membership.uuid]))
    assert response.status_code == 302
    membership.refresh_from_db()
    world.funder.refresh_from_db()
    assert membership.revoked_at is None and world.funder.is_active
    assert list(membership.programmes.all()) == [other_operator_programme]

    client.force_login(world.funder)
    assert client.get(reverse("duos:programme", args=[world.programme.uuid])).status_code == 404
    page = client.get(reverse("duos:programme", args=[other_operator_programme.uuid]))
    assert page.status_code == 200


def test_revoking_the_last_grant_ends_the_membership(client, world):
    membership = Membership.objects.get(user=world.funder)
    client.force_login(world.coordinator)
    client.post(reverse("programmes:membership_revoke", args=[membership.uuid]))
    membership.refresh_from_db()
    world.funder.refresh_from_db()
    assert membership.revoked_at is not None and not world.funder.is_active


def test_a_funder_with_another_role_keeps_the_account(client, world):
    MembershipFactory(user=world.funder, organisation=world.other_programme.operator, role="coach")
    membership = Membership.objects.get(user=world.funder, role=Role.FUNDER)
    client.force_login(world.coordinator)
    client.post(reverse("programmes:membership_revoke", args=[membership.uuid]))
    world.funder.refresh_from_db()
    assert world.funder.is_active
