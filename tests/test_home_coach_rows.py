"""The coach's workspace shows the most urgent duos (COACH_TABLE_ROWS) and
links to the duo list for the rest."""

from django.urls import reverse
from django.utils import timezone

from tests.factories import DuoFactory, MeetingFactory


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def test_coach_home_shows_the_most_urgent_duos_and_links_to_the_rest(
    client, world, settings, monkeypatch
):
    settings.LANGUAGE_CODE = "en"
    monkeypatch.setattr("mentoring.views.COACH_TABLE_ROWS", 2)
    on_track = DuoFactory.create_batch(3, programme=world.programme, coach=world.coach)
    for duo in on_track:
        MeetingFactory(duo=duo, date=timezone.localdate())
    response = _home(client, world.coach)
    shown = response.context["coached_duos"]
    assert len(shown) == 2
    assert shown[0].pk == world.duo.pk  # silent: first
    assert response.context["coached_more"] == 2
    body = response.content.decode()
    assert "2 more duos, less urgent, in the duo list." in body
    assert reverse("duos:duo_list") in body
    hidden = [d for d in on_track if d.pk not in {s.pk for s in shown}]
    assert len(hidden) == 2
    for duo in hidden:
        assert reverse("duos:duo_detail", args=[duo.uuid]) not in body


def test_coach_home_with_few_duos_has_no_more_line(client, world):
    response = _home(client, world.coach)
    assert response.context["coached_more"] == 0
    assert "less urgent" not in response.content.decode()
