"""The coordinators' follow-up to-do: whether and when the question went out,
"send now", and the mentees' answers that differ from a recorded outcome
(DESIGN.md "Outcome", "Follow-up requests")."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from duos.models import FollowUpRequest, Outcome
from duos.services import follow_up
from tests.factories import DuoFactory, OutcomeFactory

LINK = re.compile(re.escape(settings.SITE_URL) + r"/follow-up/([A-Za-z0-9_-]+)/")


@pytest.fixture
def old_duo(world):
    """Ended years ago: never e-mailed by the daily job, only on request."""
    return DuoFactory(
        programme=world.programme,
        ended=True,
        started_on=dt.date(2017, 6, 1),
        ended_on=dt.date(2018, 1, 15),
        mentee__first_name="Yasmina",
        mentee__contact_language="en",
    )


def home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_the_to_do_says_the_question_was_not_sent_and_sends_it_now(
    client, world, old_duo, mailoutbox, django_capture_on_commit_callbacks
):
    assert follow_up.send_follow_up_requests() == 0  # too late for the daily job
    page = home(client, world.coordinator)
    assert "Yasmina" in page and "question not sent" in page
    assert reverse("duos:follow_up_send", args=[old_duo.uuid]) in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("duos:follow_up_send", args=[old_duo.uuid]))
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [old_duo.mentee.email]
    assert LINK.search(mailoutbox[0].body)  # a link on SITE_URL
    sent_on = timezone.localdate().strftime("%d/%m/%Y")  # English, day first
    assert f"question sent on {sent_on}" in home(client, world.coordinator)

    # A second press while the link is open sends nothing and says why.
    response = client.post(reverse("duos:follow_up_send", args=[old_duo.uuid]), follow=True)
    assert len(mailoutbox) == 1
    assert "A request is still open" in response.content.decode()


@pytest.mark.parametrize("who", ["mentor_user", "coach", "funder", "outsider"])
def test_only_the_programme_s_coordinators_send_it(client, world, old_duo, who, mailoutbox):
    client.force_login(getattr(world, who))
    response = client.post(reverse("duos:follow_up_send", args=[old_duo.uuid]))
    assert response.status_code in (403, 404)
    assert not FollowUpRequest.objects.exists() and not mailoutbox


def answered_beside(duo, *, answer="employed") -> FollowUpRequest:
    OutcomeFactory(
        duo=duo,
        point=Outcome.Point.FOLLOW_UP,
        status="still_searching",
        contract_type="",
        source="coordinator",
        note="Phoned",
    )
    return FollowUpRequest.objects.create(
        duo=duo,
        token_hash="x" * 64,
        email=duo.mentee.email,
        expires_at=timezone.now() + dt.timedelta(days=5),
        answered_at=timezone.now(),
        answer=answer,
        needs_decision=True,
    )


@pytest.mark.parametrize(
    ("use", "status", "source"),
    [("answer", "employed", "mentee"), ("recorded", "still_searching", "coordinator")],
)
def test_a_differing_answer_waits_for_a_coordinator_to_decide(
    client, world, old_duo, use, status, source
):
    request = answered_beside(old_duo)
    page = home(client, world.coordinator)
    assert "answers to decide" in page and 'answered "Employed"' in page
    edit = client.get(reverse("duos:outcome_edit", args=[old_duo.uuid, "follow_up"]))
    assert "answer differs" in edit.content.decode() and "Use the mentee" in edit.content.decode()

    response = client.post(reverse("duos:follow_up_decide", args=[request.uuid]), {"use": use})
    assert response.status_code == 302
    outcome = Outcome.objects.get(duo=old_duo, point="follow_up")
    assert (outcome.status, outcome.source) == (status, source)
    request.refresh_from_db()
    assert request.decided_at is not None and request.decided_by == world.coordinator
    assert "answers to decide" not in home(client, world.coordinator)
    # Settled once: a second decision changes nothing.
    client.post(reverse("duos:follow_up_decide", args=[request.uuid]), {"use": "answer"})
    assert Outcome.objects.get(duo=old_duo, point="follow_up").status == status


@pytest.mark.parametrize("who", ["mentor_user", "coach", "funder", "outsider"])
def test_only_coordinators_decide(client, world, old_duo, who):
    request = answered_beside(old_duo)
    client.force_login(getattr(world, who))
    response = client.post(reverse("duos:follow_up_decide", args=[request.uuid]), {"use": "answer"})
    assert response.status_code in (403, 404)
    assert Outcome.objects.get(duo=old_duo, point="follow_up").status == "still_searching"
