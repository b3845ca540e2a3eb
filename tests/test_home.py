"""Each role lands on a home with its own real data."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tests.factories import DuoFactory, MeetingFactory, MenteeFactory, MentorFactory


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def test_anonymous_sees_the_landing_page(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert reverse("account_login").encode() in response.content


def test_coordinator_home_counts_the_pipeline(client, world):
    MenteeFactory.create_batch(3, programme=world.programme, status="ready")
    MenteeFactory(programme=world.programme, status="applied")
    MentorFactory(programme=world.programme, status="ready", capacity=1)
    silent = DuoFactory(
        programme=world.programme, started_on=timezone.localdate() - dt.timedelta(days=60)
    )
    MeetingFactory(duo=silent, date=timezone.localdate() - dt.timedelta(days=16))
    MeetingFactory(duo=world.duo, date=timezone.localdate() - dt.timedelta(days=2))  # on track
    MeetingFactory(
        duo=world.other_duo, date=timezone.localdate() - dt.timedelta(days=15)
    )  # slipping
    response = _home(client, world.coordinator)
    programme, counts = next(
        row for row in response.context["coordinated"] if row[0] == world.programme
    )
    assert counts.waiting_mentees == 3
    # The world's mentor has one free slot (capacity 2, one duo); the new one is free.
    assert counts.available_mentors == 2
    assert counts.active_duos == 3
    assert counts.silent_duos == 1
    assert world.other_programme.name not in response.content.decode()


def test_mentor_home_lists_own_active_duos_with_first_name_and_contact(client, world):
    response = _home(client, world.mentor_user)
    duos = response.context["mentor_duos"]
    assert [d.pk for d in duos] == [world.duo.pk]
    body = response.content.decode()
    assert world.duo.mentee.first_name in body
    assert world.duo.mentee.phone in body
    assert world.duo.mentee.last_name not in body
    assert (
        world.other_duo.mentee.first_name not in body
        or world.other_duo.mentee.first_name == world.duo.mentee.first_name
    )


def test_coach_home_lists_followed_duos_with_health(client, world):
    response = _home(client, world.coach)
    duos = response.context["coached_duos"]
    assert [d.pk for d in duos] == [world.duo.pk]
    assert duos[0].health == "silent"  # started 60 days ago, no meeting


def test_funder_home_lists_granted_programmes_only(client, world):
    response = _home(client, world.funder)
    assert list(response.context["granted"]) == [world.programme]
    body = response.content.decode()
    assert world.other_programme.name not in body
    assert world.duo.mentee.first_name not in body


def test_evaluator_home_lists_granted_programmes(client, world):
    response = _home(client, world.evaluator)
    assert list(response.context["granted"]) == [world.programme]


def test_home_queries_do_not_grow_with_data(client, world, django_assert_max_num_queries):
    client.force_login(world.coordinator)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("home"))
    for duo in DuoFactory.create_batch(30, programme=world.programme):
        MeetingFactory(duo=duo)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))
