"""The coordinators' daily digest (issue 16): new applications and what waits."""

import datetime as dt

from django.core import mail
from django.utils import timezone

from duos.models import Origin, PipelineStatus
from duos.services import digest
from tests import factories


def test_nothing_waiting_sends_nothing(world):
    world.duo.concerns.all().delete()
    assert digest.coordinator_digest(world.coordinator).empty
    assert digest.send_coordinator_digests() == 0
    assert mail.outbox == []


def test_the_digest_lists_new_applications_proposals_and_concerns(world):
    now = timezone.now()
    fresh = factories.MenteeFactory(
        programme=world.programme,
        first_name="Chantal",
        last_name="Renard",
        origin=Origin.APPLICATION,
        status=PipelineStatus.APPLIED,
    )
    old = factories.MentorFactory(
        programme=world.programme,
        first_name="Oldie",
        origin=Origin.APPLICATION,
        status=PipelineStatus.APPLIED,
    )
    type(old).objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(days=3))
    factories.MenteeFactory(  # another organisation's applicant: never in this digest
        programme=world.other_programme,
        first_name="Foreign",
        origin=Origin.APPLICATION,
        status=PipelineStatus.APPLIED,
    )
    proposal = factories.DuoFactory(programme=world.programme, proposed=True)
    world.duo.concerns.create(raised_by=world.mentor_user, text="No news", urgent=True)

    found = digest.coordinator_digest(world.coordinator)

    assert found.new_applications == [fresh]  # the one that arrived in the last 24 h
    assert found.new_applications_count == 1
    assert found.to_screen == 2  # both applicants still wait for screening
    assert found.proposals == [proposal]
    assert found.concerns_count == 1


def test_sent_once_a_day_in_the_coordinators_language(world, monkeypatch):
    factories.MenteeFactory(
        programme=world.programme,
        first_name="Chantal",
        origin=Origin.APPLICATION,
        status=PipelineStatus.APPLIED,
    )
    monkeypatch.setattr(
        digest.notifications,
        "staff_language",
        lambda user: "fr" if user.pk == world.coordinator.pk else "en",
    )
    assert digest.send_coordinator_digests() == 1
    assert digest.send_coordinator_digests() == 0  # the same day: nothing twice
    sent = [m for m in mail.outbox if world.coordinator.email in m.to]
    assert len(sent) == 1
    assert "Chantal" in sent[0].body
    assert "nouvelle" in sent[0].subject.lower() or "candidature" in sent[0].subject.lower()
    assert "None" not in sent[0].body
    assert "/mentees/?status=applied" in sent[0].body


def test_an_outsiders_digest_shows_nothing_of_this_programme(world):
    factories.MenteeFactory(
        programme=world.programme,
        first_name="Chantal",
        origin=Origin.APPLICATION,
        status=PipelineStatus.APPLIED,
    )
    found = digest.coordinator_digest(world.outsider)
    assert all(p.programme_id != world.programme.pk for p in found.new_applications)
    assert found.proposals == []
