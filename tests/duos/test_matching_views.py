"""Matching pages and the duo's life through the browser's requests."""

import pytest
from django.urls import reverse
from django.utils import timezone

from duos.models import Duo, DuoFeedback, MatchingRun, Outcome, PipelineStatus
from programmes.models import MatchingWeights, Role
from tests.factories import DuoFactory, MembershipFactory, MenteeFactory, MentorFactory


@pytest.fixture
def coordinator(client, world):
    client.force_login(world.coordinator)
    return client


def _ready_pair(world, **mentor):
    mentee = MenteeFactory(
        programme=world.programme, status="ready", languages=["fr"], sectors=["logistics"]
    )
    mentor = MentorFactory(
        programme=world.programme, status="ready", languages=["fr"], sectors=["logistics"], **mentor
    )
    return mentee, mentor


@pytest.mark.parametrize(
    ("who", "status"), [("coach", 403), ("funder", 403), ("mentor_user", 403), ("outsider", 404)]
)
def test_matching_pages_are_for_coordinators(client, world, who, status):
    mentee, _mentor = _ready_pair(world)
    client.force_login(getattr(world, who))
    assert client.get(reverse("duos:mentee_suggestions", args=[mentee.uuid])).status_code == status
    assert client.get(reverse("duos:matching", args=[world.programme.uuid])).status_code == status
    assert client.get(reverse("duos:weights", args=[world.programme.uuid])).status_code == status


def test_suggestions_show_reasons_and_propose(coordinator, world):
    mentee, mentor = _ready_pair(world)
    response = coordinator.get(reverse("duos:mentee_suggestions", args=[mentee.uuid]))
    assert "same sector: Logistics and transport +40" in response.content.decode()
    response = coordinator.post(reverse("duos:propose", args=[mentee.uuid, mentor.uuid]))
    duo = Duo.objects.get(mentee=mentee)
    assert response["Location"] == reverse("duos:duo_detail", args=[duo.uuid])
    assert duo.status == Duo.Status.PROPOSED and duo.match_score > 0 and duo.score_components


def test_batch_run_publish_and_agree_to_active(
    coordinator, world, django_capture_on_commit_callbacks
):
    mentee, mentor = _ready_pair(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(reverse("duos:matching", args=[world.programme.uuid]))
    run = MatchingRun.objects.get()
    assert response["Location"] == reverse("duos:matching_run", args=[run.uuid])
    page = coordinator.get(response["Location"]).content.decode()
    assert mentee.last_name in page and "same sector" in page
    coordinator.post(reverse("duos:draft_lock", args=[run.uuid, mentee.uuid]), {"locked": "1"})
    assert run.drafts.get(mentee=mentee).locked
    draft = run.drafts.get(mentee=mentee)
    coordinator.post(
        reverse("duos:run_publish", args=[run.uuid]),
        {"pair": f"{mentee.uuid}:{draft.mentor.uuid}"},
    )
    duo = Duo.objects.get(mentee=mentee)
    assert duo.mentor in (mentor, world.mentor)  # equally good for her; both have a free slot
    url = reverse("duos:duo_action", args=[duo.uuid])
    coordinator.post(
        url, {"action": "introduction", "introduction_on": timezone.localdate().isoformat()}
    )
    coordinator.post(url, {"action": "agree_mentee"})
    duo.refresh_from_db()
    assert duo.introduction_on == timezone.localdate() and duo.status == Duo.Status.PROPOSED
    coordinator.post(url, {"action": "agree_mentor"})
    duo.refresh_from_db()
    assert duo.status == Duo.Status.ACTIVE and duo.started_on == timezone.localdate()


def test_second_coordinator_overfilling_a_mentor_gets_a_clear_message(client, world):
    mentor = MentorFactory(programme=world.programme, status="ready", capacity=1)
    held = {"mentee_agreed_at": timezone.now(), "introduction_on": timezone.localdate()}
    first = DuoFactory(programme=world.programme, mentor=mentor, proposed=True, **held)
    second = DuoFactory(programme=world.programme, mentor=mentor, proposed=True, **held)
    other_coordinator = MembershipFactory(
        organisation=world.programme.operator, role=Role.COORDINATOR
    ).user
    client.force_login(world.coordinator)
    client.post(reverse("duos:duo_action", args=[first.uuid]), {"action": "agree_mentor"})
    client.force_login(other_coordinator)
    response = client.post(
        reverse("duos:duo_action", args=[second.uuid]), {"action": "agree_mentor"}, follow=True
    )
    assert "full capacity" in response.content.decode()
    second.refresh_from_db()
    assert second.status == Duo.Status.PROPOSED and second.mentor_agreed_at is None
    assert Duo.objects.filter(mentor=mentor, status="active").count() == 1


def test_mentor_agrees_in_their_account_but_cannot_record_the_mentee(client, world):
    proposal = DuoFactory(programme=world.programme, mentor=world.mentor, proposed=True)
    client.force_login(world.mentor_user)
    assert client.get(reverse("duos:duo_detail", args=[proposal.uuid])).status_code == 200
    url = reverse("duos:duo_action", args=[proposal.uuid])
    assert client.post(url, {"action": "agree_mentee"}).status_code == 403
    client.post(url, {"action": "agree_mentor"})
    proposal.refresh_from_db()
    assert proposal.mentor_agreed_at is not None and proposal.mentee_agreed_at is None


def test_decline_returns_the_mentee_to_the_pool(coordinator, world):
    proposal = DuoFactory(programme=world.programme, proposed=True)
    coordinator.post(
        reverse("duos:duo_action", args=[proposal.uuid]),
        {"action": "decline", "reason": "No click"},
    )
    proposal.refresh_from_db()
    assert proposal.status == Duo.Status.DECLINED
    assert proposal.mentee.status == PipelineStatus.READY


def test_close_early_and_rematch_never_with_the_same_mentor(coordinator, world):
    duo = world.other_duo
    response = coordinator.post(
        reverse("duos:duo_close", args=[duo.uuid]),
        {
            "ended_on": timezone.localdate().isoformat(),
            "end_reason": "mismatch",
            "exit_status": "still_searching",
            "mentor_satisfaction": "2",
            "mentor_recommend": "false",
            "mentee_satisfaction": "3",
            "rematch": "on",
        },
    )
    assert response["Location"] == reverse("duos:mentee_suggestions", args=[duo.mentee.uuid])
    duo.refresh_from_db()
    duo.mentee.refresh_from_db()
    assert duo.status == Duo.Status.ENDED and duo.end_reason == "mismatch"
    assert Outcome.objects.get(duo=duo, point="exit").status == "still_searching"
    assert DuoFeedback.objects.filter(duo=duo).count() == 2
    assert duo.mentee.status == PipelineStatus.READY and duo.mentee.rematch_bonus_days == 30
    page = coordinator.get(reverse("duos:mentee_suggestions", args=[duo.mentee.uuid]) + "?why=1")
    left_out = dict((m.pk, why) for m, why in page.context["left_out"])
    assert left_out.get(duo.mentor.pk) == "they were already a pair"


def test_close_form_errors(coordinator, world):
    response = coordinator.post(
        reverse("duos:duo_close", args=[world.duo.uuid]),
        {
            "ended_on": "2000-01-01",
            "end_reason": "completed",
            "exit_status": "training",
            "exit_contract": "permanent",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "only with" in body
    world.duo.refresh_from_db()
    assert world.duo.status == Duo.Status.ACTIVE


def test_closing_records_nothing_the_coordinator_did_not_choose(coordinator, world):
    """The close form preselects no end reason and no situation: left untouched
    it asks for both instead of recording "Completed" and "Employed"."""
    url = reverse("duos:duo_close", args=[world.duo.uuid])
    page = coordinator.get(url).content.decode()
    for name in ("end_reason", "exit_status"):
        select = page[page.index(f'name="{name}"') :].split("</select>")[0]
        assert '<option value="" selected>' in select
        assert select.count("selected") == 1
    untouched = coordinator.post(url, {"ended_on": timezone.localdate().isoformat()})
    assert untouched.status_code == 400
    form = untouched.context["form"]
    assert "end_reason" in form.errors and "exit_status" in form.errors
    world.duo.refresh_from_db()
    assert world.duo.status == Duo.Status.ACTIVE
    assert not Outcome.objects.filter(duo=world.duo).exists()


def test_rematch_only_after_an_early_end(coordinator, world):
    response = coordinator.post(
        reverse("duos:duo_close", args=[world.duo.uuid]),
        {
            "ended_on": timezone.localdate().isoformat(),
            "end_reason": "completed",
            "exit_status": "employed",
            "rematch": "on",
        },
    )
    assert response.status_code == 400
    world.duo.refresh_from_db()
    assert world.duo.status == Duo.Status.ACTIVE


def test_weights_are_versioned_and_must_add_up(coordinator, world):
    url = reverse("duos:weights", args=[world.programme.uuid])
    bad = {
        "sector": 50,
        "language": 25,
        "proximity": 15,
        "availability": 10,
        "waiting": 5,
        "priority": 5,
        "min_score": 30,
    }
    response = coordinator.post(url, bad)
    assert response.status_code == 400
    assert "add up to 110" in response.content.decode()
    good = {**bad, "sector": 40, "min_score": 45}
    coordinator.get(url)  # creates version 1 (the defaults) if missing
    coordinator.post(url, good)
    latest = MatchingWeights.objects.filter(programme=world.programme).order_by("-version").first()
    assert latest.version == 2 and latest.min_score == 45


def test_coach_assignment_is_scoped(coordinator, world):
    stranger = MembershipFactory(organisation=world.other_programme.operator, role=Role.COACH).user
    url = reverse("duos:duo_coach", args=[world.other_duo.uuid])
    coordinator.post(url, {"coach": stranger.pk})
    world.other_duo.refresh_from_db()
    assert world.other_duo.coach is None
    coordinator.post(url, {"coach": world.coach.pk})
    world.other_duo.refresh_from_db()
    assert world.other_duo.coach == world.coach


def test_closing_is_for_coordinators(client, world):
    client.force_login(world.coach)
    assert client.get(reverse("duos:duo_close", args=[world.duo.uuid])).status_code == 403
    client.force_login(world.outsider)
    assert client.get(reverse("duos:duo_close", args=[world.duo.uuid])).status_code == 404


def test_suggestion_and_run_pages_keep_their_query_count(
    coordinator, world, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    mentee, _mentor = _ready_pair(world)
    url = reverse("duos:mentee_suggestions", args=[mentee.uuid]) + "?why=1"

    def run_page():
        with django_capture_on_commit_callbacks(execute=True):
            coordinator.post(reverse("duos:matching", args=[world.programme.uuid]))
        return reverse("duos:matching_run", args=[MatchingRun.objects.first().uuid])

    coordinator.get(url)  # the first visit saves weights version 1
    with django_assert_max_num_queries(30) as captured:
        coordinator.get(url)
    few_suggestions = len(captured.captured_queries)  # read now: the query log is a ring
    run_url = run_page()
    with django_assert_max_num_queries(30) as captured:
        coordinator.get(run_url)
    few_drafts = len(captured.captured_queries)
    for _ in range(20):
        _ready_pair(world)
        MentorFactory(programme=world.programme, status="ready", languages=["nl"])  # left out
    with django_assert_max_num_queries(few_suggestions):
        coordinator.get(url)
    run_url = run_page()
    with django_assert_max_num_queries(few_drafts):
        coordinator.get(run_url)
