"""Coordinators invite and revoke people; nobody else can."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from programmes.models import Membership, Role
from tests.factories import FundingFactory, OrganisationFactory

User = get_user_model()


@pytest.fixture
def coordinator_client(client, world):
    client.force_login(world.coordinator)
    return client


def _invite(client, **data):
    return client.post(reverse("programmes:team"), data)


def test_team_page_access(client, world):
    url = reverse("programmes:team")
    assert client.get(url).status_code == 302  # anonymous → sign-in
    for who in ("coach", "funder", "evaluator", "mentor_user"):
        client.force_login(getattr(world, who))
        assert client.get(url).status_code == 403
    client.force_login(world.coordinator)
    assert client.get(url).status_code == 200


def test_invite_a_coach(coordinator_client, world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(
            coordinator_client,
            email="Coach.New@duo.invalid",
            first_name="Koen",
            last_name="Peeters",
            role=Role.COACH,
            organisation=world.programme.operator.pk,
        )
    assert response.status_code == 302
    user = User.objects.get(email="coach.new@duo.invalid")
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, role=Role.COACH, revoked_at__isnull=True).exists()
    assert mailoutbox[0].to == ["coach.new@duo.invalid"]


def test_the_invitation_links_to_site_url_not_the_requests_host(
    coordinator_client, world, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://duo.example.be"
    with django_capture_on_commit_callbacks(execute=True):
        _invite(
            coordinator_client,
            email="new.coach@duo.invalid",
            first_name="Koen",
            last_name="Peeters",
            role=Role.COACH,
            organisation=world.programme.operator.pk,
        )
    [message] = mailoutbox
    assert "https://duo.example.be/accounts/password/reset/key/" in message.body
    assert "testserver" not in message.body


def test_invite_a_funder_needs_a_programme_and_a_funder_organisation(coordinator_client, world):
    funding = FundingFactory(programme=world.programme)
    response = _invite(
        coordinator_client,
        email="f@duo.invalid",
        first_name="Fatima",
        role=Role.FUNDER,
        organisation=funding.funder.pk,
    )
    assert response.status_code == 400
    assert "Grant at least one programme." in response.content.decode()
    response = _invite(
        coordinator_client,
        email="f@duo.invalid",
        first_name="Fatima",
        role=Role.FUNDER,
        organisation=world.programme.operator.pk,
        programmes=[world.programme.pk],
    )
    assert response.status_code == 400
    assert not User.objects.filter(email="f@duo.invalid").exists()
    response = _invite(
        coordinator_client,
        email="f@duo.invalid",
        first_name="Fatima",
        role=Role.FUNDER,
        organisation=funding.funder.pk,
        programmes=[world.programme.pk],
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="f@duo.invalid")
    assert list(membership.programmes.all()) == [world.programme]


def test_dropdowns_do_not_leak_other_organisations_or_programmes(coordinator_client, world):
    stranger = OrganisationFactory(name="Somebody Else asbl")
    body = coordinator_client.get(reverse("programmes:team")).content.decode()
    assert stranger.name not in body
    assert world.other_programme.name not in body
    assert world.programme.name in body


def test_bad_input_shows_field_errors(coordinator_client, world):
    response = _invite(coordinator_client, email="not-an-email", first_name="", role="king")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"email", "first_name", "role", "organisation"} <= set(errors)


def test_cannot_grant_a_programme_of_another_operator(coordinator_client, world):
    research = OrganisationFactory(kind="research")
    response = _invite(
        coordinator_client,
        email="e@duo.invalid",
        first_name="Eva",
        role=Role.EVALUATOR,
        organisation=research.pk,
        programmes=[world.other_programme.pk],
    )
    assert response.status_code == 400
    assert not Membership.objects.filter(user__email="e@duo.invalid").exists()


def test_revoked_person_is_refused_on_the_next_request(client, world):
    client.force_login(world.funder)
    url = reverse("duos:programme", args=[world.programme.uuid])
    assert client.get(url).status_code == 200

    coordinator = client.__class__()
    coordinator.force_login(world.coordinator)
    membership = Membership.objects.get(user=world.funder)
    response = coordinator.post(reverse("programmes:membership_revoke", args=[membership.uuid]))
    assert response.status_code == 302

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    world.funder.refresh_from_db()
    assert not world.funder.is_active


def test_revoking_one_role_keeps_the_others(client, world):
    membership = Membership.objects.create(
        user=world.coach, organisation=world.programme.operator, role=Role.COORDINATOR
    )
    client.force_login(world.coordinator)
    client.post(reverse("programmes:membership_revoke", args=[membership.uuid]))
    client.force_login(world.coach)
    assert client.get(reverse("duos:mentee_list")).status_code == 403
    assert client.get(reverse("duos:duo_detail", args=[world.duo.uuid])).status_code == 200


def test_outsider_cannot_revoke(client, world):
    membership = Membership.objects.get(user=world.coach)
    client.force_login(world.outsider)
    response = client.post(reverse("programmes:membership_revoke", args=[membership.uuid]))
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.revoked_at is None


def test_revoke_needs_post(client, world):
    membership = Membership.objects.get(user=world.coach)
    client.force_login(world.coordinator)
    assert (
        client.get(reverse("programmes:membership_revoke", args=[membership.uuid])).status_code
        == 405
    )
