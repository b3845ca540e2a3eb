"""Matching on the real pool: suggestions with reasons, batch runs, locking, publishing."""

import datetime as dt

import pytest
from django.utils import timezone

from duos.matching import review
from duos.matching import runs as matching_runs
from duos.models import Duo, MatchingRun, PairingExclusion
from tests.factories import DuoFactory, MenteeFactory, MentorFactory, ProgrammeFactory, UserFactory


@pytest.fixture
def pool(db):
    programme = ProgrammeFactory(training_required=True)
    waited = timezone.localdate() - dt.timedelta(days=34)
    amina = MenteeFactory(
        programme=programme,
        first_name="Amina",
        sectors=["logistics"],
        languages=["fr", "ar"],
        postcode="1080",
        waiting_since=waited,
    )
    tom = MenteeFactory(
        programme=programme,
        first_name="Tom",
        sectors=["ict"],
        languages=["nl"],
        postcode="9000",
        waiting_since=waited,
    )
    karim = MentorFactory(
        programme=programme,
        first_name="Karim",
        sectors=["logistics"],
        languages=["fr", "ar"],
        postcode="1080",
    )
    els = MentorFactory(
        programme=programme, first_name="Els", sectors=["ict"], languages=["nl"], postcode="9000"
    )
    untrained = MentorFactory(
        programme=programme, languages=["fr", "nl"], training_completed_on=None
    )
    return {
        "programme": programme,
        "amina": amina,
        "tom": tom,
        "karim": karim,
        "els": els,
        "untrained": untrained,
    }


def test_suggestions_rank_with_reasons_and_explain_left_outs(pool):
    result = matching_runs.suggestions_for(pool["amina"])
    mentors = [row[0] for row in result["ranked"]]
    assert mentors == [pool["karim"]]
    _mentor, score, reasons, _components = result["ranked"][0]
    assert "same sector: Logistics and transport +40" in reasons
    assert "both speak Arabic, French +25" in reasons
    assert "same municipality +15" in reasons
    assert any(r.startswith("waited 34 days") for r in reasons)
    # Neither said when they can meet: no availability points, and no such reason.
    assert not any("same times" in r for r in reasons)
    assert score == pytest.approx(40 + 25 + 15 + 5 * 34 / 90, abs=0.1)
    left_out = dict(result["left_out"])
    assert left_out[pool["els"]] == "no shared language"
    assert pool["untrained"] not in mentors and pool["untrained"] not in left_out  # not in the pool


def test_former_pairs_and_declared_conflicts_are_left_out(pool):
    DuoFactory(programme=pool["programme"], mentee=pool["amina"], mentor=pool["karim"], ended=True)
    result = matching_runs.suggestions_for(pool["amina"])
    assert dict(result["left_out"])[pool["karim"]] == "they were already a pair"
    PairingExclusion.objects.create(mentee=pool["tom"], mentor=pool["els"], reason="Neighbours")
    assert dict(matching_runs.suggestions_for(pool["tom"])["left_out"])[pool["els"]] == (
        "a declared conflict or preference"
    )


def test_batch_run_lock_resolve_publish(pool, django_capture_on_commit_callbacks):
    coordinator = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        run = matching_runs.run_start(coordinator, programme=pool["programme"])
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.DONE
    assert (run.matched, run.unmatched) == (2, 0)
    assert len(run.inputs_hash) == 64 and run.mean_score > 0
    drafts = {d.mentee: d for d in run.drafts.select_related("mentee", "mentor")}
    assert drafts[pool["amina"]].mentor == pool["karim"]
    assert drafts[pool["tom"]].mentor == pool["els"]

    review.draft_lock(coordinator, draft=drafts[pool["amina"]], locked=True)
    with django_capture_on_commit_callbacks(execute=True):
        rerun = matching_runs.run_start(coordinator, programme=pool["programme"], previous=run)
    rerun.refresh_from_db()
    kept = rerun.drafts.get(mentee=pool["amina"])
    assert kept.locked and kept.mentor == pool["karim"]
    assert rerun.matched == 2

    duos = matching_runs.run_publish(coordinator, run=rerun)
    assert {(d.mentee, d.mentor) for d in duos} == {
        (pool["amina"], pool["karim"]),
        (pool["tom"], pool["els"]),
    }
    assert all(d.status == Duo.Status.PROPOSED and d.match_score for d in duos)
    rerun.refresh_from_db()
    assert rerun.status == MatchingRun.Status.PUBLISHED
    # Proposed mentees leave the pool; publishing twice is refused.
    assert not matching_runs.mentee_pool(pool["programme"]).exists()
    with pytest.raises(Exception, match="published already"):
        matching_runs.run_publish(coordinator, run=rerun)


def test_running_a_finished_run_again_changes_nothing(pool, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = matching_runs.run_start(UserFactory(), programme=pool["programme"])
    before = list(run.drafts.values_list("mentee_id", "mentor_id", "score"))
    matching_runs.run_execute(run.pk)
    assert list(run.drafts.values_list("mentee_id", "mentor_id", "score")) == before


def test_a_re_entered_mentee_is_not_said_to_have_waited_the_bonus(pool):
    """Back in the pool today after an early end: "waited 0 days", and the bonus
    said for what it is (it was shown as "waited 30 days" on their first day)."""
    amina = pool["amina"]
    amina.waiting_since = timezone.localdate()
    amina.rematch_bonus_days = 30
    amina.save()
    _mentor, _score, reasons, _components = matching_runs.suggestions_for(amina)["ranked"][0]
    waiting = [r for r in reasons if r.startswith("waited")]
    assert waiting and waiting[0].startswith("waited 0 days, back after an early end (30 days")
