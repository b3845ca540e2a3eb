"""Duo health where coordinators and coaches work (issue 16 item 3): the
coordinator's list filters and sorts by health, the programme's counts on the
home link to that list, the coach sees check-ins' risk with at-risk first."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from duos.models import CheckIn, Duo
from programmes.models import RulesVersion
from tests import factories


def _silent_for(duo: Duo, days: int) -> Duo:
    """A duo whose last contact (its start, no meeting) was ``days`` ago."""
    Duo.objects.filter(pk=duo.pk).update(started_on=timezone.localdate() - dt.timedelta(days=days))
    return duo


def test_the_list_filters_by_health(client, world):
    silent = _silent_for(world.duo, 40)  # weekly rhythm: silent beyond 15 days
    on_track = _silent_for(world.other_duo, 2)
    client.force_login(world.coordinator)

    page = client.get(reverse("duos:duo_list"), {"health": "silent"}).content.decode()

    assert reverse("duos:duo_detail", args=[silent.uuid]) in page
    assert reverse("duos:duo_detail", args=[on_track.uuid]) not in page


def test_bad_health_value_is_a_message_not_a_500(client, world):
    client.force_login(world.coordinator)
    response = client.get(reverse("duos:duo_list"), {"health": "dead"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_duo_keeps_the_rhythm_of_its_rules_version(client, world):
    """Started under twice a month (interval 15 days), 20 days without news is
    slipping, even after the programme moved to weekly (where it is silent)."""
    rules = RulesVersion.objects.create(
        programme=world.programme, version=7, rules={"meetings_per_month": "2"}
    )
    Duo.objects.filter(pk=world.duo.pk).update(rules_version=rules)
    _silent_for(world.duo, 20)
    assert world.programme.meetings_per_month == Decimal("4")
    client.force_login(world.coordinator)

    slipping = client.get(reverse("duos:duo_list"), {"health": "slipping"}).content.decode()
    silent = client.get(reverse("duos:duo_list"), {"health": "silent"}).content.decode()

    link = reverse("duos:duo_detail", args=[world.duo.uuid])
    assert link in slipping
    assert link not in silent


def test_sorted_longest_silent_first(client, world):
    _silent_for(world.duo, 50)
    _silent_for(world.other_duo, 30)
    client.force_login(world.coordinator)
    page = client.get(reverse("duos:duo_list"), {"ordering": "last_contact"}).content.decode()
    first = page.index(reverse("duos:duo_detail", args=[world.duo.uuid]))
    second = page.index(reverse("duos:duo_detail", args=[world.other_duo.uuid]))
    assert first < second


def test_home_silent_count_links_to_the_filtered_list(client, world):
    _silent_for(world.duo, 40)
    client.force_login(world.coordinator)
    page = client.get(reverse("home")).content.decode()
    link = f"{reverse('duos:duo_list')}?programme={world.programme.uuid}&amp;health=silent"
    assert link in page
    target = client.get(
        reverse("duos:duo_list"), {"programme": world.programme.uuid, "health": "silent"}
    ).content.decode()
    assert reverse("duos:duo_detail", args=[world.duo.uuid]) in target


def test_coach_home_shows_risk_at_risk_first(client, world):
    calm = factories.DuoFactory(programme=world.programme, coach=world.coach)
    _silent_for(calm, 40)  # silent, but no risk flagged
    CheckIn.objects.create(
        duo=world.duo, author=world.coach, kind="mid_term", on=timezone.localdate(), risk="high"
    )
    client.force_login(world.coach)

    page = client.get(reverse("home")).content.decode()

    assert "High risk" in page
    assert page.index(reverse("duos:duo_detail", args=[world.duo.uuid])) < page.index(
        reverse("duos:duo_detail", args=[calm.uuid])
    )


def test_the_mentor_never_sees_a_check_in_risk(client, world):
    CheckIn.objects.create(
        duo=world.duo, author=world.coach, kind="mid_term", on=timezone.localdate(), risk="high"
    )
    client.force_login(world.mentor_user)
    page = client.get(reverse("home")).content.decode()
    assert "High risk" not in page
    assert "Latest check-in" not in page
