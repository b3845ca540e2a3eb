"""Who may list and open what: owner / member without the right (403) /
outsider (404) / anonymous (to sign-in), for every duos view."""

import pytest
from django.urls import reverse

from tests.factories import DuoFactory, MeetingFactory, MenteeFactory, MentorFactory


def _get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


# --- programme overview ------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("coach", 200),
        ("funder", 200),
        ("evaluator", 200),
        ("mentor_user", 403),
        ("outsider", 404),
    ],
)
def test_programme_overview_access(client, world, who, status):
    url = reverse("duos:programme", args=[world.programme.uuid])
    assert _get(client, getattr(world, who), url).status_code == status


def test_programme_overview_shows_no_names_to_funders(client, world):
    url = reverse("duos:programme", args=[world.programme.uuid])
    response = _get(client, world.funder, url)
    body = response.content.decode()
    assert world.mentee.first_name not in body
    assert world.mentor.last_name not in body
    assert reverse("duos:mentee_list") not in body


def test_anonymous_is_sent_to_sign_in(client, world):
    for url in [
        reverse("duos:programme", args=[world.programme.uuid]),
        reverse("duos:mentee_list"),
        reverse("duos:mentor_list"),
        reverse("duos:mentee_detail", args=[world.mentee.uuid]),
        reverse("duos:mentor_detail", args=[world.mentor.uuid]),
        reverse("duos:duo_detail", args=[world.duo.uuid]),
        reverse("duos:duo_list"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_unknown_uuid_is_404(client, world):
    url = reverse("duos:duo_detail", args=["00000000-0000-0000-0000-000000000000"])
    assert _get(client, world.coordinator, url).status_code == 404


# --- participant lists and details ------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("coach", 403),
        ("funder", 403),
        ("evaluator", 403),
        ("mentor_user", 403),
        ("outsider", 200),  # a coordinator elsewhere: their own list, see below
    ],
)
@pytest.mark.parametrize("view", ["duos:mentee_list", "duos:mentor_list"])
def test_participant_lists_are_for_coordinators(client, world, who, status, view):
    url = reverse(view) + f"?programme={world.programme.uuid}"
    response = _get(client, getattr(world, who), url)
    assert response.status_code == status
    if who != "coordinator":
        assert str(world.mentee.uuid).encode() not in response.content
        assert str(world.mentor.uuid).encode() not in response.content


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("coach", 403),
        ("funder", 403),
        ("evaluator", 403),
        ("mentor_user", 403),
        ("outsider", 404),
    ],
)
def test_mentee_detail_access(client, world, who, status):
    url = reverse("duos:mentee_detail", args=[world.mentee.uuid])
    response = _get(client, getattr(world, who), url)
    assert response.status_code == status
    if status != 200:
        assert world.mentee.last_name.encode() not in response.content


def test_mentee_list_shows_only_the_programme(client, world):
    stranger = MenteeFactory(programme=world.other_programme)
    response = _get(client, world.coordinator, reverse("duos:mentee_list"))
    assert world.mentee.last_name in response.content.decode()
    assert str(stranger.uuid) not in response.content.decode()


def test_mentee_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world.coordinator)
    url = reverse("duos:mentee_list") + f"?programme={world.programme.uuid}"
    MenteeFactory.create_batch(5, programme=world.programme)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    MenteeFactory.create_batch(45, programme=world.programme)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# --- duos ------------------------------------------------


@pytest.mark.parametrize(
    ("who", "duo", "status"),
    [
        ("coordinator", "duo", 200),
        ("coordinator", "other_duo", 200),
        ("coach", "duo", 200),
        ("coach", "other_duo", 403),
        ("mentor_user", "duo", 200),
        ("mentor_user", "other_duo", 403),
        ("funder", "duo", 403),
        ("evaluator", "duo", 403),
        ("outsider", "duo", 404),
        ("coordinator", "foreign_duo", 404),
        ("mentor_user", "foreign_duo", 404),
    ],
)
def test_duo_detail_access(client, world, who, duo, status):
    url = reverse("duos:duo_detail", args=[getattr(world, duo).uuid])
    assert _get(client, getattr(world, who), url).status_code == status


def test_mentor_sees_first_name_and_contact_but_not_last_name(client, world):
    response = _get(client, world.mentor_user, reverse("duos:duo_detail", args=[world.duo.uuid]))
    body = response.content.decode()
    assert world.mentee.first_name in body
    assert world.mentee.email in body
    assert world.mentee.last_name not in body


@pytest.mark.parametrize(
    ("who", "visible", "hidden"),
    [
        ("coordinator", ["duo", "other_duo"], ["foreign_duo"]),
        ("coach", ["duo"], ["other_duo", "foreign_duo"]),
        ("mentor_user", ["duo"], ["other_duo", "foreign_duo"]),
        ("funder", [], ["duo", "other_duo", "foreign_duo"]),
        ("outsider", ["foreign_duo"], ["duo", "other_duo"]),
    ],
)
def test_duo_list_is_scoped(client, world, who, visible, hidden):
    body = _get(client, getattr(world, who), reverse("duos:duo_list")).content.decode()
    for name in visible:
        assert str(getattr(world, name).uuid) in body
    for name in hidden:
        assert str(getattr(world, name).uuid) not in body


def test_duo_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world.coordinator)
    url = reverse("duos:duo_list")
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    for duo in DuoFactory.create_batch(40, programme=world.programme):
        MeetingFactory(duo=duo)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# --- mentor accounts ------------------------------------------------


def test_coordinator_invites_a_mentor_who_can_then_set_a_password(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    mentor = MentorFactory(programme=world.programme, email="new.mentor@duo.invalid")
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("duos:mentor_account", args=[mentor.uuid]), {"action": "invite"}
        )
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.user.email == "new.mentor@duo.invalid"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.mentor@duo.invalid"]
    link = next(w for w in mailoutbox[0].body.split() if "/accounts/password/reset/key/" in w)
    client.logout()
    # The invitation link leads to "set your password"; then the mentor signs in.
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(
        form_url, {"password1": "a-long-new-password-42", "password2": "a-long-new-password-42"}
    )
    assert response.status_code == 302
    assert client.login(username="new.mentor@duo.invalid", password="a-long-new-password-42")


def test_revoked_mentor_is_refused_on_the_next_request(client, world):
    client.force_login(world.mentor_user)
    url = reverse("duos:duo_detail", args=[world.duo.uuid])
    assert client.get(url).status_code == 200

    coordinator_client = client.__class__()
    coordinator_client.force_login(world.coordinator)
    coordinator_client.post(
        reverse("duos:mentor_account", args=[world.mentor.uuid]), {"action": "revoke"}
    )

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("who", "status"), [("coach", 403), ("funder", 403), ("outsider", 404)])
def test_only_coordinators_manage_mentor_accounts(client, world, who, status):
    client.force_login(getattr(world, who))
    response = client.post(
        reverse("duos:mentor_account", args=[world.mentor.uuid]), {"action": "revoke"}
    )
    assert response.status_code == status
    world.mentor.refresh_from_db()
    assert world.mentor.user == world.mentor_user


def test_the_coordinator_s_duo_list_shows_health(client, world):
    """It showed "—" under health while the coach saw "Silent 20 days"."""
    from django.utils import timezone

    world.duo.started_on = timezone.localdate() - timezone.timedelta(days=60)
    world.duo.save()
    client.force_login(world.coordinator)
    page = client.get(reverse("duos:duo_list"))
    row = next(d for d in page.context["page"] if d.pk == world.duo.pk)
    assert row.health == "silent"
