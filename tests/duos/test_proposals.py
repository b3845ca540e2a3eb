"""A proposal starts only after its introduction and both agreements, or with a
recorded override (DESIGN.md "Matching" 7); only mentees of the pool can be
proposed, whatever the page; everyone is told by e-mail."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from duos import services
from duos.models import Duo, PipelineStatus
from tests.factories import DuoFactory, MenteeFactory, MentorFactory


def agree_both(client, duo):
    url = reverse("duos:duo_action", args=[duo.uuid])
    client.post(url, {"action": "agree_mentee"})
    client.post(url, {"action": "agree_mentor"})
    duo.refresh_from_db()
    return duo


@pytest.fixture
def coordinator(client, world):
    client.force_login(world.coordinator)
    return client


@pytest.mark.parametrize("introduction", [None, "tomorrow"])
def test_both_agreeing_before_the_introduction_does_not_start_the_duo(
    coordinator, world, introduction
):
    on = timezone.localdate() + dt.timedelta(days=1) if introduction else None
    duo = DuoFactory(programme=world.programme, proposed=True, introduction_on=on)
    duo = agree_both(coordinator, duo)
    assert duo.status == Duo.Status.PROPOSED
    assert duo.mentee_agreed_at and duo.mentor_agreed_at


def test_it_starts_once_the_introduction_is_marked_held(coordinator, world, mailoutbox):
    duo = DuoFactory(programme=world.programme, proposed=True, coach=world.coach)
    duo = agree_both(coordinator, duo)
    assert duo.status == Duo.Status.PROPOSED
    coordinator.post(reverse("duos:duo_action", args=[duo.uuid]), {"action": "introduction_held"})
    duo.refresh_from_db()
    assert duo.status == Duo.Status.ACTIVE and duo.started_on == timezone.localdate()


def test_the_daily_job_starts_agreed_proposals_whose_introduction_date_came(world):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    now = timezone.now()
    agreed = {"mentee_agreed_at": now, "mentor_agreed_at": now}
    due = DuoFactory(programme=world.programme, proposed=True, introduction_on=tomorrow, **agreed)
    half = DuoFactory(
        programme=world.programme, proposed=True, introduction_on=tomorrow, mentee_agreed_at=now
    )
    assert services.start_agreed_proposals() == 0
    assert services.start_agreed_proposals(today=tomorrow) == 1
    assert services.start_agreed_proposals(today=tomorrow) == 0  # idempotent
    due.refresh_from_db()
    half.refresh_from_db()
    assert due.status == Duo.Status.ACTIVE and half.status == Duo.Status.PROPOSED


def test_an_override_starts_it_now_with_its_reason_recorded(coordinator, world):
    duo = DuoFactory(programme=world.programme, proposed=True)
    url = reverse("duos:duo_action", args=[duo.uuid])
    coordinator.post(url, {"action": "start_override", "reason": ""})
    duo.refresh_from_db()
    assert duo.status == Duo.Status.PROPOSED  # no reason, no start
    coordinator.post(url, {"action": "start_override", "reason": "Met at the job fair already"})
    duo.refresh_from_db()
    assert duo.status == Duo.Status.ACTIVE
    assert duo.start_override_reason == "Met at the job fair already"
    page = coordinator.get(reverse("duos:duo_detail", args=[duo.uuid])).content.decode()
    assert "Met at the job fair already" in page


def test_a_mentor_cannot_override(client, world):
    duo = DuoFactory(programme=world.programme, mentor=world.mentor, proposed=True)
    client.force_login(world.mentor_user)
    response = client.post(
        reverse("duos:duo_action", args=[duo.uuid]),
        {"action": "start_override", "reason": "now"},
    )
    assert response.status_code == 403
    duo.refresh_from_db()
    assert duo.status == Duo.Status.PROPOSED


def test_the_decline_reason_shows_on_the_duo_and_its_timeline(coordinator, world):
    duo = DuoFactory(programme=world.programme, proposed=True)
    coordinator.post(
        reverse("duos:duo_action", args=[duo.uuid]),
        {"action": "decline", "reason": "Mentee moved to Ghent"},
    )
    response = coordinator.get(reverse("duos:duo_detail", args=[duo.uuid]))
    page = response.content.decode()
    assert page.count("Mentee moved to Ghent") == 2  # the facts and the timeline
    labels = [e.label for e in response.context["timeline"] if e.kind == "status"]
    assert "Declined: Mentee moved to Ghent" in labels


def test_mentor_mentee_and_coach_are_told_of_the_proposal_and_the_start(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    mentee = MenteeFactory(
        programme=world.programme, status=PipelineStatus.READY, contact_language="fr"
    )
    mentor = MentorFactory(programme=world.programme, status=PipelineStatus.READY)
    with django_capture_on_commit_callbacks(execute=True):
        duo = services.duo_propose(world.coordinator, mentee=mentee, mentor=mentor)
        duo.coach = world.coach
        duo.save()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([mentee.email, mentor.email])
    french = next(m for m in mailoutbox if m.to == [mentee.email])
    assert french.body.startswith("Bonjour") and "propose un duo" in french.body
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.duo_start_override(world.coordinator, duo=duo, reason="Test start")
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [mentee.email, mentor.email, world.coach.email]
    )


@pytest.mark.parametrize(
    "status", [PipelineStatus.APPLIED, PipelineStatus.SCREENED, PipelineStatus.WITHDRAWN]
)
def test_only_mentees_of_the_pool_can_be_proposed(world, status):
    """A mentee refused at screening (screened, not ready) was proposed from their
    suggestions page and became an active duo: the service refuses them."""
    mentee = MenteeFactory(programme=world.programme, status=status)
    mentor = MentorFactory(programme=world.programme, status=PipelineStatus.READY)
    with pytest.raises(ValidationError):
        services.duo_propose(world.coordinator, mentee=mentee, mentor=mentor)
    assert not Duo.objects.filter(mentee=mentee).exists()


def test_the_suggestions_page_cannot_propose_a_refused_applicant(coordinator, world):
    mentee = MenteeFactory(programme=world.programme, status=PipelineStatus.SCREENED)
    mentor = MentorFactory(programme=world.programme, status=PipelineStatus.READY)
    response = coordinator.post(
        reverse("duos:propose", args=[mentee.uuid, mentor.uuid]), follow=True
    )
    assert response.status_code == 200
    assert "not waiting for a mentor" in response.content.decode()
    assert not Duo.objects.filter(mentee=mentee).exists()


def test_an_untrained_mentor_is_refused_where_training_is_required(world):
    world.programme.training_required = True
    world.programme.save()
    mentee = MenteeFactory(programme=world.programme, status=PipelineStatus.READY)
    mentor = MentorFactory(
        programme=world.programme, status=PipelineStatus.READY, training_completed_on=None
    )
    with pytest.raises(ValidationError, match="training"):
        services.duo_propose(world.coordinator, mentee=mentee, mentor=mentor)
