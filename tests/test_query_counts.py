"""No page's number of queries grows with the data (issue 17).

Each main page is requested twice, once with a few rows and once with ten
times as many (or 500 meetings on a duo), and must make the same number of
queries; the page must still show what it lists, paginated."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from duos.models import Meeting
from tests import factories


def queries(client, url: str) -> tuple[int, str]:
    client.get(url)  # warm-up: sessions, caches of the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries), response.content.decode()


def add_meetings(duo, n: int) -> None:
    today = timezone.localdate()
    Meeting.objects.bulk_create(
        Meeting(
            duo=duo,
            date=max(duo.started_on, today - dt.timedelta(days=k % 60)),
            minutes=60,
            mode=Meeting.Mode.WORKPLACE,
            topics=["cv"],
            note=f"meeting note {k}",
        )
        for k in range(n)
    )


def add_duos(world, n: int, **extra) -> list:
    duos = []
    for _ in range(n):
        duo = factories.DuoFactory(programme=world.programme, **extra)
        add_meetings(duo, 3)
        factories.MenteeFactory(programme=world.programme)
        duos.append(duo)
    return duos


def grows(client, url: str, grow) -> tuple[int, int, str]:
    small, _ = queries(client, url)
    grow()
    large, page = queries(client, url)
    return small, large, page


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["duos:duo_list", "duos:mentee_list", "duos:mentor_list"])
def test_coordinator_lists_do_not_grow(client, world, url_name):
    add_duos(world, 5)
    client.force_login(world.coordinator)
    small, large, page = grows(
        client, reverse(url_name), lambda: add_duos(world, 60, coach=world.coach)
    )
    assert large == small
    # Paginated: 50 rows a page, and a link to the next one.
    assert "page=2" in page


@pytest.mark.django_db
def test_duo_page_with_500_meetings_is_paginated_and_does_not_grow(client, world):
    add_meetings(world.duo, 5)
    client.force_login(world.coordinator)
    url = reverse("duos:duo_detail", args=[world.duo.uuid])
    small, _ = queries(client, url)
    add_meetings(world.duo, 495)
    large, page = queries(client, url)
    assert large == small
    assert page.count('class="event meeting"') == 25
    assert "?meetings=2" in page
    # The last page has the oldest meetings and the duo's start, shown once.
    last, text = queries(client, url + "?meetings=20")
    assert last <= small + 1  # the previous page's boundary date
    assert text.count('class="event meeting"') == 25
    assert "<strong>Started</strong>" in text
    assert "<strong>Started</strong>" not in page


@pytest.mark.django_db
def test_coach_workspace_does_not_grow(client, world):
    add_duos(world, 2, coach=world.coach)
    client.force_login(world.coach)
    small, large, page = grows(
        client, reverse("home"), lambda: add_duos(world, 20, coach=world.coach)
    )
    assert large == small


@pytest.mark.django_db
def test_mentor_home_does_not_grow(client, world):
    world.mentor.capacity = 5
    world.mentor.save()
    add_meetings(world.duo, 3)
    client.force_login(world.mentor_user)

    def more():
        for _ in range(3):
            duo = factories.DuoFactory(programme=world.programme, mentor=world.mentor)
            add_meetings(duo, 10)

    small, large, page = grows(client, reverse("home"), more)
    assert large == small
    assert page.count("meetings/") >= 4  # a meeting form per duo


@pytest.mark.django_db
def test_funder_dashboard_does_not_grow(client, world):
    from reporting.services import snapshot_compute

    def outcomes(n):
        for _ in range(n):
            factories.OutcomeFactory(duo__programme=world.programme)
        snapshot_compute(programme=world.programme)

    outcomes(5)
    client.force_login(world.funder)
    url = reverse("reporting:dashboard", args=[world.programme.uuid])
    small, large, page = grows(client, url, lambda: outcomes(40))
    assert large == small
    assert world.programme.name in page


@pytest.mark.django_db
def test_coordinator_home_does_not_grow(client, world):
    add_duos(world, 3, ended=True)
    client.force_login(world.coordinator)
    small, large, _ = grows(client, reverse("home"), lambda: add_duos(world, 30, ended=True))
    assert large == small
