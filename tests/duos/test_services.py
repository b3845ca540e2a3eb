"""duos/services.py against the real database: each rule, each refusal, and that a
refused call writes nothing while an accepted one leaves an audit entry with its actor."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from duos.models import Duo, EndReason, Meeting, Mentee, Mentor, Outcome, PipelineStatus
from duos.services import (
    CapacityError,
    duo_activate,
    duo_decline,
    duo_end,
    duo_propose,
    follow_up_date,
    meeting_record,
    meeting_update,
    mentor_account_invite,
    mentor_account_revoke,
    outcome_record,
)
from programmes.models import Role
from tests.factories import (
    DuoFactory,
    MembershipFactory,
    MenteeFactory,
    MentorFactory,
    ProgrammeFactory,
    UserFactory,
)

User = get_user_model()


def today() -> dt.date:
    return timezone.localdate()


def days_ago(days: int) -> dt.date:
    return today() - dt.timedelta(days=days)


def state() -> dict:
    """Every row a duo service could touch, to prove that a refused call wrote nothing."""
    models = (Duo, Mentee, Mentor, Meeting, Outcome, LogEntry, User, EmailAddress)
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def audited(obj, actor, action=LogEntry.Action.UPDATE) -> LogEntry:
    """The newest audit entry of this kind for ``obj``; it must name ``actor``."""
    entries = LogEntry.objects.get_for_object(obj).filter(action=action).order_by("-pk")
    assert entries.exists(), f"no audit entry ({action}) for {obj!r}"
    entry = entries.first()
    assert entry.actor == actor
    return entry


@pytest.fixture
def actor(db):
    return UserFactory()


@pytest.fixture
def proposal(db):
    """A fresh proposal in a 12-week programme; both sides ready."""
    return DuoFactory(proposed=True, programme=ProgrammeFactory(duo_length_weeks=12))


def _pair(programme=None, **kwargs):
    programme = programme or ProgrammeFactory()
    return (
        MenteeFactory(programme=programme, **kwargs),
        MentorFactory(programme=programme, **kwargs),
    )


# --- duo_propose --------------------------------------------------------------------


def test_duo_propose_creates_a_proposal(actor):
    mentee, mentor = _pair()
    coach = UserFactory()
    components = [{"reason": "same sector: logistics", "points": 40}]

    duo = duo_propose(
        actor,
        mentee=mentee,
        mentor=mentor,
        coach=coach,
        match_score=Decimal("72.50"),
        score_components=components,
    )

    duo = Duo.objects.get(pk=duo.pk)
    assert duo.status == Duo.Status.PROPOSED
    assert duo.programme == mentee.programme
    assert (duo.mentee, duo.mentor, duo.coach) == (mentee, mentor, coach)
    assert duo.proposed_on == today()
    assert duo.match_score == Decimal("72.50")
    assert duo.score_components == components
    assert duo.started_on is None
    assert duo.planned_end_on is None
    audited(duo, actor, LogEntry.Action.CREATE)
    # Proposing changes nobody's pipeline status.
    assert Mentee.objects.get(pk=mentee.pk).status == PipelineStatus.READY
    assert Mentor.objects.get(pk=mentor.pk).status == PipelineStatus.READY


def test_duo_propose_keeps_a_given_proposal_date_and_defaults(actor):
    mentee, mentor = _pair()
    duo = duo_propose(actor, mentee=mentee, mentor=mentor, proposed_on=dt.date(2024, 3, 1))
    duo.refresh_from_db()
    assert duo.proposed_on == dt.date(2024, 3, 1)
    assert duo.score_components == []
    assert duo.match_score is None
    assert duo.coach is None


def test_duo_propose_refuses_different_programmes(actor):
    mentee, mentor = MenteeFactory(), MentorFactory()
    assert mentee.programme != mentor.programme
    before = state()
    with pytest.raises(ValidationError, match="different programmes"):
        duo_propose(actor, mentee=mentee, mentor=mentor)
    assert state() == before


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_duo_propose_refuses_a_withdrawn_participant(actor, who):
    mentee, mentor = _pair()
    person = {"mentee": mentee, "mentor": mentor}[who]
    type(person).objects.filter(pk=person.pk).update(status=PipelineStatus.WITHDRAWN)
    person.refresh_from_db()
    before = state()
    with pytest.raises(ValidationError, match="has withdrawn") as excinfo:
        duo_propose(actor, mentee=mentee, mentor=mentor)
    assert str(person) in excinfo.value.messages[0]
    assert state() == before


@pytest.mark.parametrize(
    "former",
    [
        {"ended": True},
        {},  # still active
        {"proposed": True, "status": Duo.Status.DECLINED, "decline_reason": "No click"},
    ],
    ids=["ended", "active", "declined"],
)
def test_duo_propose_never_proposes_a_former_pair_again(actor, former):
    earlier = DuoFactory(**former)
    mentee, mentor = earlier.mentee, earlier.mentor
    Mentee.objects.filter(pk=mentee.pk).update(status=PipelineStatus.READY)
    Mentor.objects.filter(pk=mentor.pk).update(status=PipelineStatus.READY)
    mentee.refresh_from_db()
    mentor.refresh_from_db()
    before = state()
    with pytest.raises(ValidationError, match="already a pair"):
        duo_propose(actor, mentee=mentee, mentor=mentor)
    assert state() == before


def test_duo_propose_refuses_a_pair_already_proposed(actor, proposal):
    before = state()
    with pytest.raises(ValidationError, match="already proposed"):
        duo_propose(actor, mentee=proposal.mentee, mentor=proposal.mentor)
    assert state() == before


def test_duo_propose_rematches_a_mentee_with_another_mentor(actor):
    earlier = DuoFactory(ended=True, end_reason=EndReason.MISMATCH)
    earlier.mentee.status = PipelineStatus.READY  # back in the pool after the early end
    earlier.mentee.save()
    new_mentor = MentorFactory(programme=earlier.programme)
    duo = duo_propose(actor, mentee=earlier.mentee, mentor=new_mentor)
    assert duo.status == Duo.Status.PROPOSED
    assert earlier.mentee.duos.count() == 2


# --- duo_activate -------------------------------------------------------------------


def test_duo_activate_starts_the_duo_today(actor, proposal):
    before = timezone.now()
    duo = duo_activate(actor, duo=proposal)

    duo = Duo.objects.get(pk=proposal.pk)
    assert duo.status == Duo.Status.ACTIVE
    assert duo.started_on == today()
    assert duo.planned_end_on == today() + dt.timedelta(weeks=12)
    mentee = Mentee.objects.get(pk=proposal.mentee_id)
    mentor = Mentor.objects.get(pk=proposal.mentor_id)
    assert mentee.status == PipelineStatus.IN_DUO
    assert mentor.status == PipelineStatus.IN_DUO
    assert mentee.status_changed_at >= before
    assert mentor.status_changed_at >= before
    entry = audited(duo, actor)
    assert entry.changes_dict["status"] == ["proposed", "active"]
    audited(mentee, actor)
    audited(mentor, actor)


def test_duo_activate_on_a_past_date(actor, proposal):
    duo_activate(actor, duo=proposal, started_on=days_ago(10))
    proposal.refresh_from_db()
    assert proposal.started_on == days_ago(10)
    assert proposal.planned_end_on == days_ago(10) + dt.timedelta(weeks=12)


def test_duo_activate_refuses_a_future_start(actor, proposal):
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        duo_activate(actor, duo=proposal, started_on=today() + dt.timedelta(days=1))
    assert "future" in excinfo.value.message_dict["started_on"][0]
    assert state() == before


@pytest.mark.parametrize(
    ("traits", "shown"),
    [
        ({}, "active"),
        ({"ended": True}, "ended"),
        ({"proposed": True, "status": Duo.Status.DECLINED, "decline_reason": "No"}, "declined"),
    ],
)
def test_duo_activate_only_a_proposal(actor, traits, shown):
    duo = DuoFactory(**traits)
    before = state()
    with pytest.raises(
        ValidationError, match=f"Only a proposed duo can start; this one is {shown}"
    ):
        duo_activate(actor, duo=duo)
    assert state() == before


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_duo_activate_refuses_when_one_side_has_withdrawn(actor, proposal, who):
    model = {"mentee": Mentee, "mentor": Mentor}[who]
    # Withdrawn after the proposal: the service reads the current row, not the caller's copy.
    model.objects.filter(pk=getattr(proposal, f"{who}_id")).update(status=PipelineStatus.WITHDRAWN)
    before = state()
    with pytest.raises(ValidationError, match="withdrawn"):
        duo_activate(actor, duo=proposal)
    assert state() == before


def test_duo_activate_beyond_capacity_raises_capacity_error_and_changes_nothing(actor):
    mentor = MentorFactory(capacity=1, first_name="Marc", last_name="Dupont")
    DuoFactory(mentor=mentor, programme=mentor.programme)
    proposal = DuoFactory(proposed=True, mentor=mentor, programme=mentor.programme)
    before = state()

    with pytest.raises(CapacityError) as excinfo:
        duo_activate(actor, duo=proposal)

    assert isinstance(excinfo.value, ValidationError)
    message = excinfo.value.messages[0]
    assert message == (
        "Marc Dupont already mentors 1 duo(s), their full capacity: "
        "end a duo or raise their capacity first."
    )
    assert state() == before


def test_duo_activate_counts_only_active_duos_against_capacity(actor):
    mentor = MentorFactory(capacity=2)
    programme = mentor.programme
    DuoFactory(mentor=mentor, programme=programme)
    DuoFactory(ended=True, mentor=mentor, programme=programme)
    DuoFactory(proposed=True, mentor=mentor, programme=programme)
    second = DuoFactory(proposed=True, mentor=mentor, programme=programme)
    duo_activate(actor, duo=second)
    assert Duo.objects.filter(mentor=mentor, status=Duo.Status.ACTIVE).count() == 2

    third = DuoFactory(proposed=True, mentor=mentor, programme=programme)
    with pytest.raises(CapacityError, match="already mentors 2 duo"):
        duo_activate(actor, duo=third)
    third.refresh_from_db()
    assert third.status == Duo.Status.PROPOSED


def test_duo_activate_refuses_a_mentee_already_in_an_active_duo(actor):
    running = DuoFactory()
    proposal = DuoFactory(proposed=True, programme=running.programme, mentee=running.mentee)
    before = state()
    with pytest.raises(ValidationError, match="already in an active duo"):
        duo_activate(actor, duo=proposal)
    assert state() == before


def test_duo_activate_refuses_a_second_duo_of_the_mentee_started_the_same_day(actor):
    earlier = DuoFactory(ended=True, started_on=days_ago(30), end_reason=EndReason.MISMATCH)
    Duo.objects.filter(pk=earlier.pk).update(ended_on=days_ago(30))
    proposal = DuoFactory(proposed=True, programme=earlier.programme, mentee=earlier.mentee)
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        duo_activate(actor, duo=proposal, started_on=days_ago(30))
    message = excinfo.value.message_dict["started_on"][0]
    assert "already has a duo that started on this date" in message
    assert state() == before
    # The next day is fine.
    duo_activate(actor, duo=proposal, started_on=days_ago(29))
    proposal.refresh_from_db()
    assert proposal.status == Duo.Status.ACTIVE


# --- duo_decline --------------------------------------------------------------------


def test_duo_decline_records_the_reason_and_keeps_both_in_the_pool(actor, proposal):
    duo = duo_decline(actor, duo=proposal, reason="  Mentor works too far away  ")
    duo = Duo.objects.get(pk=duo.pk)
    assert duo.status == Duo.Status.DECLINED
    assert duo.decline_reason == "Mentor works too far away"
    assert duo.started_on is None
    assert Mentee.objects.get(pk=duo.mentee_id).status == PipelineStatus.READY
    assert Mentor.objects.get(pk=duo.mentor_id).status == PipelineStatus.READY
    audited(duo, actor)


def test_duo_decline_truncates_a_long_reason(actor, proposal):
    duo_decline(actor, duo=proposal, reason="x" * 300)
    proposal.refresh_from_db()
    assert proposal.decline_reason == "x" * 200


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_duo_decline_needs_a_reason(actor, proposal, reason):
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        duo_decline(actor, duo=proposal, reason=reason)
    assert list(excinfo.value.message_dict) == ["reason"]
    assert state() == before


@pytest.mark.parametrize(
    "traits",
    [{}, {"ended": True}, {"proposed": True, "status": "declined", "decline_reason": "No"}],
    ids=["active", "ended", "declined"],
)
def test_duo_decline_only_a_proposal(actor, traits):
    duo = DuoFactory(**traits)
    before = state()
    with pytest.raises(ValidationError, match="Only a proposed duo can be declined"):
        duo_decline(actor, duo=duo, reason="Changed their mind")
    assert state() == before


# --- duo_end ------------------------------------------------------------------------


@pytest.mark.parametrize("reason", EndReason.values)
def test_duo_end_closes_the_duo(actor, reason):
    duo = DuoFactory(started_on=days_ago(100))
    before = timezone.now()

    duo_end(actor, duo=duo, ended_on=days_ago(1), end_reason=reason)

    duo = Duo.objects.get(pk=duo.pk)
    assert duo.status == Duo.Status.ENDED
    assert duo.ended_on == days_ago(1)
    assert duo.end_reason == reason
    mentee = Mentee.objects.get(pk=duo.mentee_id)
    mentor = Mentor.objects.get(pk=duo.mentor_id)
    assert mentee.status == PipelineStatus.DONE
    assert mentor.status == PipelineStatus.READY
    assert mentee.status_changed_at >= before
    entry = audited(duo, actor)
    assert entry.changes_dict["status"] == ["active", "ended"]
    audited(mentee, actor)
    audited(mentor, actor)


def test_duo_end_on_its_first_day(actor):
    duo = DuoFactory(started_on=today())
    duo_end(actor, duo=duo, ended_on=today(), end_reason=EndReason.MISMATCH)
    duo.refresh_from_db()
    assert duo.ended_on == duo.started_on == today()


def test_duo_end_leaves_the_mentor_in_duo_while_another_duo_runs(actor):
    mentor = MentorFactory(capacity=2, status=PipelineStatus.IN_DUO)
    first = DuoFactory(mentor=mentor, programme=mentor.programme)
    second = DuoFactory(mentor=mentor, programme=mentor.programme)

    duo_end(actor, duo=first, ended_on=today(), end_reason=EndReason.COMPLETED)
    mentor.refresh_from_db()
    assert mentor.status == PipelineStatus.IN_DUO
    assert Mentee.objects.get(pk=first.mentee_id).status == PipelineStatus.DONE
    assert Mentee.objects.get(pk=second.mentee_id).status == PipelineStatus.IN_DUO

    duo_end(actor, duo=second, ended_on=today(), end_reason=EndReason.COMPLETED)
    mentor.refresh_from_db()
    assert mentor.status == PipelineStatus.READY


def test_duo_end_does_not_bring_back_a_withdrawn_mentor(actor):
    duo = DuoFactory()
    Mentor.objects.filter(pk=duo.mentor_id).update(status=PipelineStatus.WITHDRAWN)
    duo_end(actor, duo=duo, ended_on=today(), end_reason=EndReason.MENTOR_WITHDREW)
    assert Mentor.objects.get(pk=duo.mentor_id).status == PipelineStatus.WITHDRAWN


@pytest.mark.parametrize("reason", ["", "bored", "COMPLETED"])
def test_duo_end_refuses_an_unknown_end_reason(actor, reason):
    duo = DuoFactory()
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        duo_end(actor, duo=duo, ended_on=today(), end_reason=reason)
    assert "is not an end reason" in excinfo.value.message_dict["end_reason"][0]
    assert state() == before


def test_duo_end_refuses_a_future_end(actor):
    duo = DuoFactory()
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        duo_end(actor, duo=duo, ended_on=today() + dt.timedelta(days=1), end_reason="completed")
    assert "future" in excinfo.value.message_dict["ended_on"][0]
    assert state() == before


def test_duo_end_refuses_an_end_before_the_start(actor):
    duo = DuoFactory(started_on=days_ago(10))
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        duo_end(actor, duo=duo, ended_on=days_ago(11), end_reason="completed")
    assert str(days_ago(10)) in excinfo.value.message_dict["ended_on"][0]
    assert state() == before


@pytest.mark.parametrize(
    "traits",
    [
        {"proposed": True},
        {"ended": True},
        {"proposed": True, "status": "declined", "decline_reason": "No"},
    ],
    ids=["proposed", "ended", "declined"],
)
def test_duo_end_only_an_active_duo(actor, traits):
    duo = DuoFactory(**traits)
    before = state()
    with pytest.raises(ValidationError, match="Only an active duo can be ended"):
        duo_end(actor, duo=duo, ended_on=today(), end_reason="completed")
    assert state() == before


def test_duo_end_reads_the_current_row_not_the_callers_copy(actor):
    duo = DuoFactory()
    stale = Duo.objects.get(pk=duo.pk)
    duo_end(actor, duo=duo, ended_on=today(), end_reason="completed")
    before = state()
    with pytest.raises(ValidationError, match="Only an active duo"):
        duo_end(actor, duo=stale, ended_on=today(), end_reason="mismatch")
    assert state() == before


# --- meeting_record -----------------------------------------------------------------


def test_meeting_record_logs_a_meeting(actor):
    duo = DuoFactory(started_on=days_ago(30))
    meeting = meeting_record(
        actor,
        duo=duo,
        date=days_ago(2),
        minutes=90,
        mode=Meeting.Mode.VIDEO,
        topics=["cv", "interview", "cv"],
        note="  Practised the interview for the warehouse job.  ",
    )
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.duo == duo
    assert meeting.date == days_ago(2)
    assert meeting.minutes == 90
    assert meeting.mode == Meeting.Mode.VIDEO
    assert meeting.topics == ["cv", "interview"]
    assert meeting.note == "Practised the interview for the warehouse job."
    assert meeting.logged_by == actor
    audited(meeting, actor, LogEntry.Action.CREATE)


@pytest.mark.parametrize("offset", [0, 15, 30], ids=["today", "midway", "first day"])
def test_meeting_record_any_day_from_the_start_to_today(actor, offset):
    duo = DuoFactory(started_on=days_ago(30))
    meeting = meeting_record(actor, duo=duo, date=days_ago(offset), minutes=60, mode="phone")
    assert meeting.date == days_ago(offset)


@pytest.mark.parametrize("after_end", [0, 1, 7])
def test_meeting_record_up_to_seven_days_after_the_end(actor, after_end):
    duo = DuoFactory(ended=True, started_on=days_ago(100))
    Duo.objects.filter(pk=duo.pk).update(ended_on=days_ago(20))
    duo.refresh_from_db()
    meeting = meeting_record(
        actor, duo=duo, date=days_ago(20 - after_end), minutes=30, mode="in_person"
    )
    assert Meeting.objects.get(pk=meeting.pk).date == days_ago(20 - after_end)


@pytest.mark.parametrize("minutes", [1, 720])
def test_meeting_record_minutes_at_the_bounds(actor, minutes):
    duo = DuoFactory()
    meeting = meeting_record(actor, duo=duo, date=today(), minutes=minutes, mode="video")
    assert Meeting.objects.get(pk=meeting.pk).minutes == minutes


@pytest.mark.parametrize("mode", Meeting.Mode.values)
def test_meeting_record_every_mode(actor, mode):
    meeting = meeting_record(actor, duo=DuoFactory(), date=today(), minutes=60, mode=mode)
    assert meeting.mode == mode


def _refused_meeting(actor, duo, field, fragment, **overrides):
    values = {"date": today(), "minutes": 60, "mode": "workplace", "topics": ["cv"]}
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        meeting_record(actor, duo=duo, **{**values, **overrides})
    assert fragment in " ".join(excinfo.value.message_dict[field])
    assert state() == before
    return excinfo.value


@pytest.mark.parametrize(
    "traits",
    [{"proposed": True}, {"proposed": True, "status": "declined", "decline_reason": "No"}],
    ids=["proposed", "declined"],
)
def test_meeting_record_refuses_a_duo_that_has_not_started(actor, traits):
    duo = DuoFactory(**traits)
    _refused_meeting(actor, duo, "__all__", "only for a duo that has started")


def test_meeting_record_refuses_a_future_date(actor):
    duo = DuoFactory()
    _refused_meeting(
        actor, duo, "date", "cannot be in the future", date=today() + dt.timedelta(days=1)
    )


def test_meeting_record_refuses_a_date_before_the_start(actor):
    duo = DuoFactory(started_on=days_ago(30))
    _refused_meeting(actor, duo, "date", str(days_ago(30)), date=days_ago(31))


@pytest.mark.parametrize("after_end", [8, 30])
def test_meeting_record_refuses_more_than_seven_days_after_the_end(actor, after_end):
    duo = DuoFactory(ended=True, started_on=days_ago(200))
    Duo.objects.filter(pk=duo.pk).update(ended_on=days_ago(40))
    duo.refresh_from_db()
    error = _refused_meeting(
        actor, duo, "date", "at most 7 days later", date=days_ago(40 - after_end)
    )
    assert str(days_ago(40)) in error.message_dict["date"][0]


@pytest.mark.parametrize("minutes", [0, -5, 721, 1000])
def test_meeting_record_refuses_minutes_out_of_range(actor, minutes):
    _refused_meeting(actor, DuoFactory(), "minutes", "between 1 and 720", minutes=minutes)


@pytest.mark.parametrize("mode", ["", "teams", "Video"])
def test_meeting_record_refuses_an_unknown_mode(actor, mode):
    _refused_meeting(actor, DuoFactory(), "mode", "is not a meeting mode", mode=mode)


def test_meeting_record_refuses_unknown_topics_and_names_them(actor):
    _refused_meeting(
        actor,
        DuoFactory(),
        "topics",
        "Unknown topic: cooking, tax.",
        topics=["cv", "cooking", "tax", "cooking"],
    )


def test_meeting_record_reports_every_faulty_field_at_once(actor):
    error = _refused_meeting(
        actor,
        DuoFactory(),
        "date",
        "future",
        date=today() + dt.timedelta(days=3),
        minutes=0,
        mode="fax",
        topics=["gossip"],
    )
    assert set(error.message_dict) == {"date", "minutes", "mode", "topics"}


# --- meeting_update -----------------------------------------------------------------


@pytest.fixture
def meeting(actor):
    duo = DuoFactory(started_on=days_ago(30))
    return meeting_record(actor, duo=duo, date=days_ago(3), minutes=60, mode="workplace")


def test_meeting_update_by_its_author(actor, meeting):
    updated = meeting_update(
        actor,
        meeting=meeting,
        date=days_ago(4),
        minutes=45,
        mode="phone",
        topics=["network", "network", "wellbeing"],
        note=" Called instead. ",
    )
    updated = Meeting.objects.get(pk=meeting.pk)
    assert updated.date == days_ago(4)
    assert updated.minutes == 45
    assert updated.mode == "phone"
    assert updated.topics == ["network", "wellbeing"]
    assert updated.note == "Called instead."
    assert updated.logged_by == actor
    entry = audited(updated, actor)
    assert entry.changes_dict["minutes"] == ["60", "45"]
    assert Meeting.objects.count() == 1


def test_meeting_update_by_someone_else_is_refused(meeting):
    colleague = UserFactory()
    before = state()
    with pytest.raises(ValidationError, match="Only the person who logged this meeting"):
        meeting_update(colleague, meeting=meeting, date=days_ago(3), minutes=30, mode="workplace")
    assert state() == before


def test_meeting_update_of_a_meeting_nobody_logged_is_refused(actor):
    orphan = Meeting.objects.create(
        duo=DuoFactory(), date=today(), minutes=60, mode="video", logged_by=None
    )
    with pytest.raises(ValidationError, match="Only the person who logged this meeting"):
        meeting_update(actor, meeting=orphan, date=today(), minutes=30, mode="video")
    orphan.refresh_from_db()
    assert orphan.minutes == 60


def test_meeting_update_within_fourteen_days(actor, meeting):
    with time_machine.travel(meeting.created_at + dt.timedelta(days=14), tick=False):
        meeting_update(actor, meeting=meeting, date=days_ago(3), minutes=50, mode="workplace")
    assert Meeting.objects.get(pk=meeting.pk).minutes == 50


@pytest.mark.parametrize(
    "late", [dt.timedelta(days=14, seconds=1), dt.timedelta(days=15), dt.timedelta(days=90)]
)
def test_meeting_update_after_fourteen_days_is_refused(actor, meeting, late):
    before = state()
    with time_machine.travel(meeting.created_at + late, tick=False):
        with pytest.raises(ValidationError, match="edited for 14 days after it was logged"):
            meeting_update(actor, meeting=meeting, date=days_ago(3), minutes=50, mode="workplace")
    assert state() == before


def test_meeting_update_logged_in_the_past_is_frozen_now(actor):
    duo = DuoFactory(started_on=days_ago(60))
    with time_machine.travel(timezone.now() - dt.timedelta(days=20), tick=False):
        old = meeting_record(actor, duo=duo, date=days_ago(1), minutes=60, mode="video")
    assert (timezone.now() - old.created_at).days == 20
    with pytest.raises(ValidationError, match="14 days"):
        meeting_update(actor, meeting=old, date=old.date, minutes=61, mode="video")
    assert Meeting.objects.get(pk=old.pk).minutes == 60


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("date", {"date": lambda: today() + dt.timedelta(days=1)}),
        ("date", {"date": lambda: days_ago(31)}),
        ("minutes", {"minutes": 0}),
        ("mode", {"mode": "carrier_pigeon"}),
        ("topics", {"topics": ["astrology"]}),
    ],
    ids=["future", "before start", "minutes", "mode", "topics"],
)
def test_meeting_update_applies_the_meeting_rules(actor, meeting, field, change):
    values = {"date": days_ago(3), "minutes": 60, "mode": "workplace", "topics": []}
    values.update({k: v() if callable(v) else v for k, v in change.items()})
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        meeting_update(actor, meeting=meeting, **values)
    assert field in excinfo.value.message_dict
    assert state() == before


def test_meeting_update_respects_the_end_of_the_duo(actor):
    duo = DuoFactory(ended=True, started_on=days_ago(100))
    Duo.objects.filter(pk=duo.pk).update(ended_on=days_ago(10))
    duo.refresh_from_db()
    meeting = meeting_record(actor, duo=duo, date=days_ago(5), minutes=60, mode="video")
    with pytest.raises(ValidationError, match="at most 7 days later"):
        meeting_update(actor, meeting=meeting, date=days_ago(2), minutes=60, mode="video")
    assert Meeting.objects.get(pk=meeting.pk).date == days_ago(5)


# --- outcome_record -----------------------------------------------------------------


@pytest.fixture
def ended_duo(db):
    """Ended on 31 August 2024, in a programme with the default six-month horizon."""
    duo = DuoFactory(ended=True, started_on=dt.date(2024, 3, 1))
    Duo.objects.filter(pk=duo.pk).update(ended_on=dt.date(2024, 8, 31))
    duo.refresh_from_db()
    return duo


def test_follow_up_date_is_the_end_plus_the_horizon(ended_duo):
    # relativedelta clamps to the month's last day: 31 Aug + 6 months = 28 Feb.
    assert follow_up_date(ended_duo) == dt.date(2025, 2, 28)
    ended_duo.programme.follow_up_months = 12
    assert follow_up_date(ended_duo) == dt.date(2025, 8, 31)
    assert follow_up_date(DuoFactory()) is None


def test_outcome_record_at_exit_is_dated_the_end_by_default(actor, ended_duo):
    outcome = outcome_record(
        actor,
        duo=ended_duo,
        point=Outcome.Point.EXIT,
        status=Outcome.Status.EMPLOYED,
        contract_type=Outcome.Contract.PERMANENT,
        source=Outcome.Source.EMPLOYER,
        note=" Hired as forklift driver ",
    )
    outcome = Outcome.objects.get(pk=outcome.pk)
    assert outcome.duo == ended_duo
    assert outcome.point == "exit"
    assert outcome.date == dt.date(2024, 8, 31)
    assert outcome.status == "employed"
    assert outcome.contract_type == "permanent"
    assert outcome.source == "employer"
    assert outcome.note == "Hired as forklift driver"
    assert outcome.recorded_by == actor
    audited(outcome, actor, LogEntry.Action.CREATE)


@pytest.mark.parametrize(
    ("months", "expected"),
    [(6, dt.date(2025, 2, 28)), (12, dt.date(2025, 8, 31)), (1, dt.date(2024, 9, 30))],
)
def test_outcome_record_at_follow_up_is_dated_end_plus_horizon(actor, ended_duo, months, expected):
    type(ended_duo.programme).objects.filter(pk=ended_duo.programme_id).update(
        follow_up_months=months
    )
    outcome = outcome_record(
        actor,
        duo=ended_duo,
        point=Outcome.Point.FOLLOW_UP,
        status=Outcome.Status.TRAINING,
        source=Outcome.Source.MENTEE,
    )
    assert Outcome.objects.get(pk=outcome.pk).date == expected


def test_outcome_record_keeps_a_given_date(actor, ended_duo):
    outcome = outcome_record(
        actor,
        duo=ended_duo,
        point="follow_up",
        status="still_searching",
        source="employment_service",
        date=dt.date(2025, 3, 15),
    )
    assert Outcome.objects.get(pk=outcome.pk).date == dt.date(2025, 3, 15)


def test_outcome_record_a_correction_edits_the_one_row(actor, ended_duo):
    first = outcome_record(
        actor, duo=ended_duo, point="exit", status="still_searching", source="mentee"
    )
    corrector = UserFactory()
    corrected = outcome_record(
        corrector,
        duo=ended_duo,
        point="exit",
        status="employed",
        contract_type="fixed_term",
        source="employer",
        note="Contract signed the week before the end",
    )
    assert corrected.pk == first.pk
    assert Outcome.objects.filter(duo=ended_duo).count() == 1
    row = Outcome.objects.get(pk=first.pk)
    assert (row.status, row.contract_type, row.source) == ("employed", "fixed_term", "employer")
    assert row.recorded_by == corrector
    audited(row, actor, LogEntry.Action.CREATE)
    entry = audited(row, corrector, LogEntry.Action.UPDATE)
    assert entry.changes_dict["status"] == ["still_searching", "employed"]


def test_outcome_record_both_points_make_two_rows(actor, ended_duo):
    outcome_record(actor, duo=ended_duo, point="exit", status="internship", source="mentee")
    outcome_record(actor, duo=ended_duo, point="follow_up", status="employed", source="mentee")
    assert sorted(ended_duo.outcomes.values_list("point", "status")) == [
        ("exit", "internship"),
        ("follow_up", "employed"),
    ]


@pytest.mark.parametrize(
    "status", [s for s in Outcome.Status.values if s != Outcome.Status.EMPLOYED]
)
def test_outcome_record_refuses_a_contract_without_employed(actor, ended_duo, status):
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        outcome_record(
            actor,
            duo=ended_duo,
            point="exit",
            status=status,
            contract_type="permanent",
            source="mentee",
        )
    assert "only with the status 'employed'" in excinfo.value.message_dict["contract_type"][0]
    assert state() == before


@pytest.mark.parametrize(
    ("field", "kwargs", "fragment"),
    [
        ("point", {"point": "midway"}, "is not an outcome point"),
        ("status", {"status": "retired"}, "is not a status"),
        ("source", {"source": "neighbour"}, "is not an outcome source"),
        ("contract_type", {"contract_type": "cdi"}, "is not a contract type"),
    ],
)
def test_outcome_record_refuses_unknown_codes(actor, ended_duo, field, kwargs, fragment):
    values = {"point": "exit", "status": "employed", "source": "mentee"}
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        outcome_record(actor, duo=ended_duo, **{**values, **kwargs})
    assert list(excinfo.value.message_dict) == [field]
    assert fragment in excinfo.value.message_dict[field][0]
    assert state() == before


@pytest.mark.parametrize(
    "traits",
    [{}, {"proposed": True}, {"proposed": True, "status": "declined", "decline_reason": "No"}],
    ids=["active", "proposed", "declined"],
)
def test_outcome_record_refuses_a_duo_that_has_not_ended(actor, traits):
    duo = DuoFactory(**traits)
    before = state()
    with pytest.raises(ValidationError, match="once the duo has ended"):
        outcome_record(actor, duo=duo, point="exit", status="employed", source="mentee")
    assert state() == before


def test_outcome_record_refuses_a_date_before_the_start(actor, ended_duo):
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        outcome_record(
            actor,
            duo=ended_duo,
            point="exit",
            status="employed",
            source="mentee",
            date=dt.date(2024, 2, 29),
        )
    assert "before the duo started" in excinfo.value.message_dict["date"][0]
    assert state() == before
    # The start day itself is fine.
    outcome = outcome_record(
        actor,
        duo=ended_duo,
        point="exit",
        status="employed",
        source="mentee",
        date=dt.date(2024, 3, 1),
    )
    assert outcome.date == dt.date(2024, 3, 1)


def test_outcome_record_a_refused_correction_keeps_the_first_record(actor, ended_duo):
    outcome_record(actor, duo=ended_duo, point="exit", status="training", source="mentee")
    corrector = UserFactory()
    before = state()
    with pytest.raises(ValidationError):
        outcome_record(
            corrector,
            duo=ended_duo,
            point="exit",
            status="training",
            source="mentee",
            date=dt.date(2020, 1, 1),
        )
    assert state() == before


# --- mentor accounts ----------------------------------------------------------------


def test_mentor_account_invite_creates_an_account_and_sends_the_invitation(
    actor, mailoutbox, django_capture_on_commit_callbacks
):
    mentor = MentorFactory(email="Marc.Dupont@duo.invalid", first_name="Marc")
    with django_capture_on_commit_callbacks(execute=True):
        mentor_account_invite(actor, mentor=mentor, request_base="https://duo.example/")

    mentor = Mentor.objects.get(pk=mentor.pk)
    user = mentor.user
    assert user.email == "marc.dupont@duo.invalid"
    assert user.is_active
    assert not user.has_usable_password()
    assert EmailAddress.objects.filter(user=user, verified=True, primary=True).exists()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["marc.dupont@duo.invalid"]
    assert "https://duo.example/accounts/password/reset/key/" in mailoutbox[0].body
    audited(mentor, actor)


def test_mentor_account_invite_of_someone_with_a_password_sends_nothing(
    actor, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(username="coach.and.mentor@duo.invalid")
    mentor = MentorFactory(email="coach.and.mentor@duo.invalid")
    with django_capture_on_commit_callbacks(execute=True):
        mentor_account_invite(actor, mentor=mentor, request_base="https://duo.example")
    assert Mentor.objects.get(pk=mentor.pk).user == user
    assert mailoutbox == []


def test_mentor_account_invite_needs_an_email(actor):
    mentor = MentorFactory(email="")
    before = state()
    with pytest.raises(ValidationError, match="e-mail address first"):
        mentor_account_invite(actor, mentor=mentor, request_base="https://duo.example")
    assert state() == before


def test_mentor_account_invite_refuses_an_email_already_used_by_another_mentor(
    actor, mailoutbox, django_capture_on_commit_callbacks
):
    """account_for() reactivates the account before the clash is found: all of it rolls back."""
    user = UserFactory(username="shared@duo.invalid", is_active=False)
    MentorFactory(user=user, email="shared@duo.invalid")
    mentor = MentorFactory(email="shared@duo.invalid")
    before = state()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError, match="already signs in as a mentor"):
            mentor_account_invite(actor, mentor=mentor, request_base="https://duo.example")
    assert state() == before
    user.refresh_from_db()
    assert not user.is_active
    assert mailoutbox == []


def test_mentor_account_revoke_switches_off_an_account_with_no_other_role(actor):
    user = UserFactory()
    mentor = MentorFactory(user=user)
    mentor_account_revoke(actor, mentor=mentor)
    assert Mentor.objects.get(pk=mentor.pk).user is None
    user.refresh_from_db()
    assert not user.is_active
    audited(mentor, actor)


def test_mentor_account_revoke_keeps_an_account_that_has_a_membership(actor):
    user = UserFactory()
    MembershipFactory(user=user, role=Role.COACH)
    mentor = MentorFactory(user=user)
    mentor_account_revoke(actor, mentor=mentor)
    assert Mentor.objects.get(pk=mentor.pk).user is None
    user.refresh_from_db()
    assert user.is_active


def test_mentor_account_revoke_without_an_account_changes_nothing(actor):
    mentor = MentorFactory(user=None)
    before = state()
    assert mentor_account_revoke(actor, mentor=mentor).user is None
    assert state() == before
