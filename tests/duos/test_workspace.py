"""The mentor's meeting log, concerns, check-ins, reminders and the follow-up to-do."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from duos.models import Concern, Duo, Meeting
from duos.services import workspace
from tests.factories import DuoFactory, MeetingFactory, OutcomeFactory

BRUSSELS = ZoneInfo("Europe/Brussels")


def _meeting_post(duo, **extra):
    prefix = f"duo-{duo.pk}"
    data = {
        f"{prefix}-date": timezone.localdate().isoformat(),
        f"{prefix}-minutes": "60",
        f"{prefix}-mode": "workplace",
        f"{prefix}-topics": ["cv", "interview"],
        f"{prefix}-client_token": str(uuid.uuid4()),
        "next": reverse("home"),
    }
    data.update({f"{prefix}-{k}": v for k, v in extra.items()})
    return data


def test_mentor_logs_a_meeting_from_home_and_a_double_submit_saves_one(client, world):
    client.force_login(world.mentor_user)
    home = client.get(reverse("home")).content.decode()
    assert reverse("duos:meeting_log", args=[world.duo.uuid]) in home
    data = _meeting_post(world.duo)
    url = reverse("duos:meeting_log", args=[world.duo.uuid])
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == reverse("home")
    meeting = Meeting.objects.get(duo=world.duo)
    assert meeting.topics == ["cv", "interview"] and meeting.logged_by == world.mentor_user


def test_the_form_remembers_minutes_and_place(client, world):
    MeetingFactory(duo=world.duo, minutes=45, mode="video", logged_by=world.mentor_user)
    client.force_login(world.mentor_user)
    response = client.get(reverse("home"))
    form = response.context["mentor_duos"][0].meeting_form
    assert form.initial["minutes"] == 45 and form.initial["mode"] == "video"
    assert form.initial["date"] == timezone.localdate()


def test_a_future_meeting_is_refused_with_a_message(client, world):
    client.force_login(world.mentor_user)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("duos:meeting_log", args=[world.duo.uuid]),
        _meeting_post(world.duo, date=tomorrow),
        follow=True,
    )
    assert "cannot be in the future" in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("coach", 403), ("funder", 403), ("outsider", 404)])
def test_only_the_mentor_or_a_coordinator_logs_meetings(client, world, who, status):
    client.force_login(getattr(world, who))
    response = client.post(
        reverse("duos:meeting_log", args=[world.duo.uuid]), _meeting_post(world.duo)
    )
    assert response.status_code == status
    assert not Meeting.objects.exists()


def test_author_edits_for_14_days_then_not(client, world):
    with time_machine.travel(dt.datetime(2026, 11, 1, 12, tzinfo=BRUSSELS)):
        meeting = MeetingFactory(
            duo=world.duo, logged_by=world.mentor_user, date=dt.date(2026, 10, 30)
        )
    url = reverse("duos:meeting_edit", args=[meeting.uuid])
    client.force_login(world.coordinator)
    assert client.get(url).status_code == 403  # not the author
    client.force_login(world.mentor_user)
    data = {"date": "2026-10-31", "minutes": "90", "mode": "phone", "topics": ["network"]}
    with time_machine.travel(dt.datetime(2026, 11, 14, 12, tzinfo=BRUSSELS)):
        assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.mode) == (90, "phone")
    with time_machine.travel(dt.datetime(2026, 11, 16, 12, tzinfo=BRUSSELS)):
        response = client.post(url, {**data, "minutes": "30"})
    assert response.status_code == 400
    assert "14 days" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == 90


def test_concern_alerts_coach_and_coordinators_and_stays_until_handled(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    world.duo.coach = world.coach
    world.duo.save()
    client.force_login(world.mentor_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("duos:concern_raise", args=[world.duo.uuid]),
            {"text": "She stopped answering", "urgent": "on"},
        )
    concern = Concern.objects.get()
    assert sorted(mailoutbox[0].to) == sorted([world.coach.email, world.coordinator.email])
    assert "URGENT" in mailoutbox[0].subject
    for user in (world.coach, world.coordinator):
        client.force_login(user)
        assert "She stopped answering" in client.get(reverse("home")).content.decode()
    client.force_login(world.mentor_user)
    assert (
        client.post(
            reverse("duos:concern_handle", args=[concern.uuid]), {"resolution": "x"}
        ).status_code
        == 403
    )
    client.force_login(world.coach)
    client.post(
        reverse("duos:concern_handle", args=[concern.uuid]), {"resolution": "Called her; exams"}
    )
    concern.refresh_from_db()
    assert concern.handled_by == world.coach
    assert "She stopped answering" not in client.get(reverse("home")).content.decode()


def test_check_ins_and_concerns_are_hidden_from_the_mentor(client, world):
    client.force_login(world.coach)
    client.post(
        reverse("duos:check_in", args=[world.duo.uuid]),
        {
            "kind": "mid_term",
            "on": timezone.localdate().isoformat(),
            "risk": "high",
            "note": "Mentor burnt out",
        },
    )
    Concern.objects.create(duo=world.duo, raised_by=world.coordinator, text="Coordinator worry")
    body = client.get(reverse("duos:duo_detail", args=[world.duo.uuid])).content.decode()
    assert "Mentor burnt out" in body and "Coordinator worry" in body
    client.force_login(world.mentor_user)
    body = client.get(reverse("duos:duo_detail", args=[world.duo.uuid])).content.decode()
    assert "Mentor burnt out" not in body and "Coordinator worry" not in body


def test_coach_sees_silent_then_on_track_after_the_mentor_logs(client, world):
    client.force_login(world.coach)
    assert client.get(reverse("home")).context["coached_duos"][0].health == "silent"
    client.force_login(world.mentor_user)
    client.post(reverse("duos:meeting_log", args=[world.duo.uuid]), _meeting_post(world.duo))
    client.force_login(world.coach)
    assert client.get(reverse("home")).context["coached_duos"][0].health == "on_track"


def test_one_reminder_per_silence_episode(world, mailoutbox, django_capture_on_commit_callbacks):
    Duo.objects.exclude(pk=world.duo.pk).update(
        status="proposed", started_on=None, planned_end_on=None
    )
    Duo.objects.filter(pk=world.duo.pk).update(started_on=dt.date(2026, 9, 1))
    MeetingFactory(duo=world.duo, date=dt.date(2026, 10, 1))
    world.mentor.contact_language = "fr"
    world.mentor.save()

    def run(day):
        with time_machine.travel(dt.datetime(*day, 9, tzinfo=BRUSSELS)):
            with django_capture_on_commit_callbacks(execute=True):
                return workspace.send_silence_reminders()

    assert run((2026, 10, 10)) == 0  # 9 days: on track
    assert run((2026, 10, 20)) == 1  # 19 days > 15: silent
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [world.mentor_user.email]
    assert (
        "Comment" in mailoutbox[0].subject or world.duo.mentee.first_name in mailoutbox[0].subject
    )
    assert run((2026, 10, 21)) == 0  # same episode: nothing new
    assert len(mailoutbox) == 1
    MeetingFactory(duo=world.duo, date=dt.date(2026, 10, 22))
    assert run((2026, 10, 25)) == 0
    assert run((2026, 11, 10)) == 1  # a new silence: a new reminder
    assert len(mailoutbox) == 2


def test_coach_digest_lists_their_silent_duos(world, mailoutbox):
    assert workspace.send_coach_digests() == 1
    assert mailoutbox[0].to == [world.coach.email]
    assert world.duo.mentee.first_name in mailoutbox[0].body


def test_the_coach_digest_goes_once_a_day_however_often_the_job_runs(world, mailoutbox):
    cache.clear()
    today = timezone.localdate()
    assert workspace.send_coach_digests(today) == 1
    assert workspace.send_coach_digests(today) == 0  # a retry, a beat restart
    assert len(mailoutbox) == 1
    assert workspace.send_coach_digests(today + dt.timedelta(days=1)) == 1  # the next day


def test_a_daily_digest_goes_out_even_when_the_cache_is_down(world, mailoutbox, monkeypatch):
    """Better twice than never: without the shared cache, the digest is sent."""

    class Down:
        def add(self, *args, **kwargs):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(workspace.notifications, "cache", Down())
    today = timezone.localdate()
    assert workspace.send_coach_digests(today) == 1
    assert workspace.send_coach_digests(today) == 1
    assert len(mailoutbox) == 2


def test_follow_up_to_do_on_the_coordinators_home(client, world):
    due = DuoFactory(programme=world.programme, ended=True)  # ended about 7 months ago
    done = DuoFactory(programme=world.programme, ended=True)
    OutcomeFactory(duo=done, point="follow_up", status="employed", date=done.ended_on)
    recent = DuoFactory(
        programme=world.programme,
        ended=True,
        started_on=timezone.localdate() - dt.timedelta(days=200),
        ended_on=timezone.localdate() - dt.timedelta(days=20),
    )
    client.force_login(world.coordinator)
    listed = {d.pk for d in client.get(reverse("home")).context["follow_ups_due"]}
    assert due.pk in listed and done.pk not in listed and recent.pk not in listed


@pytest.mark.parametrize("who", ["mentor_user", "coordinator"])
def test_timeline_queries_do_not_grow_with_meetings(
    client, world, who, django_assert_max_num_queries
):
    client.force_login(getattr(world, who))
    url = reverse("duos:duo_detail", args=[world.duo.uuid])
    for _ in range(5):
        MeetingFactory(duo=world.duo, logged_by=world.mentor_user)
    with django_assert_max_num_queries(40) as captured:
        client.get(url)
    few = len(captured.captured_queries)
    Meeting.objects.bulk_create(
        Meeting(
            duo=world.duo,
            date=world.duo.started_on,
            minutes=30,
            mode="phone",
            logged_by=world.mentor_user,
        )
        for _ in range(495)
    )
    with django_assert_max_num_queries(few):
        response = client.get(url)
    # The timeline is paged (25 meetings a page): 500 meetings are 20 pages.
    page = response.content.decode()
    assert page.count('class="event meeting"') == 25
    assert "Page 1 of 20" in page
    last = client.get(url, {"meetings": 20}).content.decode()
    assert last.count('class="event meeting"') == 25


def test_a_second_meeting_on_the_same_day_asks_before_it_is_saved(client, world):
    client.force_login(world.mentor_user)
    url = reverse("duos:meeting_log", args=[world.duo.uuid])
    assert client.post(url, _meeting_post(world.duo)).status_code == 302
    again = client.post(url, _meeting_post(world.duo, minutes="30"))  # another form, same day
    assert again.status_code == 409
    page = again.content.decode()
    assert "already logged for this duo" in page and "Yes, it was another meeting" in page
    assert Meeting.objects.filter(duo=world.duo).count() == 1
    # Confirming re-posts the same form with the confirmation: now it is saved, once.
    fields = again.context["fields"] + [(again.context["confirm_name"], "on")]
    confirmed = {}
    for name, value in fields:
        confirmed.setdefault(name, []).append(value)
    assert client.post(url, confirmed).status_code == 302
    assert client.post(url, confirmed).status_code == 302  # a double tap: still one more
    assert Meeting.objects.filter(duo=world.duo).count() == 2
    assert sorted(Meeting.objects.values_list("minutes", flat=True)) == [30, 60]
