"""The database refuses what duos/models.py forbids, and accepts the rows next to it.

Each violating write goes straight to the database (``create()`` or
``queryset.update()``: no ``full_clean``, no service), so only the constraint
can stop it.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from duos.models import (
    AgeBand,
    ContactLanguage,
    DataImport,
    Duo,
    EmploymentStatus,
    EndReason,
    Gender,
    ImportKind,
    Meeting,
    Mentee,
    Mentor,
    Origin,
    Outcome,
    PipelineStatus,
    ReferralSource,
    Screening,
    TrainingAttendance,
    TrainingSession,
)
from programmes.models import EducationLevel
from tests.factories import (
    DuoFactory,
    MeetingFactory,
    MenteeFactory,
    MentorFactory,
    OutcomeFactory,
    ProgrammeFactory,
    UserFactory,
)

TODAY = timezone.localdate


def violates(constraint: str, sqlite_unique: str = ""):
    """``pytest.raises(IntegrityError)`` that also checks which constraint fired.

    PostgreSQL names the constraint in every message, SQLite in CHECK failures;
    for UNIQUE failures SQLite lists the columns instead (``sqlite_unique``)."""
    pattern = re.escape(constraint)
    if sqlite_unique:
        pattern += "|" + re.escape(f"UNIQUE constraint failed: {sqlite_unique}") + "$"
    return pytest.raises(IntegrityError, match=pattern)


# --- Mentee and Mentor: what every participant shares -------------------------------

PARTICIPANTS = pytest.mark.parametrize(
    ("factory", "model", "prefix"),
    [(MenteeFactory, Mentee, "mentee"), (MentorFactory, Mentor, "mentor")],
    ids=["mentee", "mentor"],
)


@PARTICIPANTS
def test_participant_ref_unique_within_programme(programme, factory, model, prefix):
    factory(programme=programme, ref="A-001")
    with (
        violates(
            f"{prefix}_ref_unique_in_programme",
            f"duos_{prefix}.programme_id, duos_{prefix}.ref",
        ),
        transaction.atomic(),
    ):
        factory(programme=programme, ref="A-001")
    assert model.objects.filter(programme=programme, ref="A-001").count() == 1


@PARTICIPANTS
def test_participant_ref_renamed_onto_another_is_refused(programme, factory, model, prefix):
    factory(programme=programme, ref="A-001")
    other = factory(programme=programme, ref="A-002")
    with (
        violates(
            f"{prefix}_ref_unique_in_programme",
            f"duos_{prefix}.programme_id, duos_{prefix}.ref",
        ),
        transaction.atomic(),
    ):
        model.objects.filter(pk=other.pk).update(ref="A-001")
    other.refresh_from_db()
    assert other.ref == "A-002"


@PARTICIPANTS
def test_participant_same_ref_in_another_programme_saves(programme, factory, model, prefix):
    factory(programme=programme, ref="A-001")
    factory(programme=ProgrammeFactory(), ref="A-001")
    assert model.objects.filter(ref="A-001").count() == 2


@PARTICIPANTS
def test_participant_blank_refs_repeat(programme, factory, model, prefix):
    for _ in range(3):
        factory(programme=programme, ref="", email="")
    assert model.objects.filter(programme=programme, ref="").count() == 3


@PARTICIPANTS
def test_participant_ref_match_is_case_sensitive(programme, factory, model, prefix):
    """The constraint compares references exactly; the import normalises them."""
    factory(programme=programme, ref="a-001")
    factory(programme=programme, ref="A-001")
    assert model.objects.filter(programme=programme).count() == 2


@PARTICIPANTS
@pytest.mark.parametrize(
    ("field", "value", "suffix"),
    [
        ("gender", "", "gender_valid"),
        ("gender", "other", "gender_valid"),
        ("status", "", "status_valid"),
        ("status", "archived", "status_valid"),
        ("education_level", "isced_9", "education_valid"),
        ("origin", "", "origin_valid"),
        ("origin", "web", "origin_valid"),
        ("contact_language", "", "contact_language_valid"),
        ("contact_language", "de", "contact_language_valid"),
    ],
)
def test_participant_unknown_choice_is_refused(db, factory, model, prefix, field, value, suffix):
    person = factory()
    before = getattr(person, field)
    with violates(f"{prefix}_{suffix}"), transaction.atomic():
        model.objects.filter(pk=person.pk).update(**{field: value})
    with violates(f"{prefix}_{suffix}"), transaction.atomic():
        factory(**{field: value})
    person.refresh_from_db()
    assert getattr(person, field) == before


@PARTICIPANTS
@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("gender", Gender.values),
        ("status", PipelineStatus.values),
        ("education_level", ["", *EducationLevel.values]),
        ("origin", Origin.values),
        ("contact_language", ContactLanguage.values),
    ],
)
def test_participant_every_known_choice_saves(db, factory, model, prefix, field, values):
    for value in values:
        person = factory(**{field: value})
        person.refresh_from_db()
        assert getattr(person, field) == value


@PARTICIPANTS
@pytest.mark.parametrize("postcode", ["", "1000", "1080", "4000", "9000", "9999"])
def test_participant_belgian_or_blank_postcode_saves(db, factory, model, prefix, postcode):
    person = factory(postcode=postcode)
    person.refresh_from_db()
    assert person.postcode == postcode


@PARTICIPANTS
@pytest.mark.parametrize("postcode", ["0999", "0000", "999", "1", "10a0", "ABCD", " 100", "100 "])
def test_participant_non_belgian_postcode_is_refused(db, factory, model, prefix, postcode):
    person = factory(postcode="1080")
    with violates(f"{prefix}_postcode_belgian"), transaction.atomic():
        model.objects.filter(pk=person.pk).update(postcode=postcode)
    person.refresh_from_db()
    assert person.postcode == "1080"


# --- Mentee -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("employment_status_at_entry", "retired", "mentee_employment_valid"),
        ("age_band_at_entry", "over_65", "mentee_age_band_valid"),
        ("referral_source", "newspaper", "mentee_referral_valid"),
    ],
)
def test_mentee_unknown_entry_situation_is_refused(db, field, value, constraint):
    mentee = MenteeFactory()
    with violates(constraint), transaction.atomic():
        Mentee.objects.filter(pk=mentee.pk).update(**{field: value})
    with violates(constraint), transaction.atomic():
        MenteeFactory(**{field: value})
    mentee.refresh_from_db()
    assert getattr(mentee, field) == ""


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("employment_status_at_entry", ["", *EmploymentStatus.values]),
        ("age_band_at_entry", ["", *AgeBand.values]),
        ("referral_source", ["", *ReferralSource.values]),
    ],
)
def test_mentee_known_or_blank_entry_situation_saves(db, field, values):
    for value in values:
        mentee = MenteeFactory(**{field: value})
        mentee.refresh_from_db()
        assert getattr(mentee, field) == value


@pytest.mark.parametrize(
    "special",
    [
        {"migration_background": True},
        {"migration_background": False},
        {"disability": True},
        {"disability": False},
        {"migration_background": True, "disability": False},
    ],
)
def test_mentee_special_category_without_consent_is_refused(db, special):
    with violates("mentee_special_category_needs_consent"), transaction.atomic():
        MenteeFactory(special_consent_at=None, **special)
    mentee = MenteeFactory(special_consent_at=None)
    with violates("mentee_special_category_needs_consent"), transaction.atomic():
        Mentee.objects.filter(pk=mentee.pk).update(**special)
    assert not Mentee.objects.filter(migration_background__isnull=False).exists()
    assert not Mentee.objects.filter(disability__isnull=False).exists()


def test_mentee_withdrawing_special_consent_while_data_is_kept_is_refused(db):
    mentee = MenteeFactory(special_consent_at=timezone.now(), migration_background=True)
    with violates("mentee_special_category_needs_consent"), transaction.atomic():
        Mentee.objects.filter(pk=mentee.pk).update(special_consent_at=None)
    Mentee.objects.filter(pk=mentee.pk).update(special_consent_at=None, migration_background=None)
    mentee.refresh_from_db()
    assert mentee.special_consent_at is None
    assert mentee.migration_background is None


@pytest.mark.parametrize(
    "special",
    [
        {"migration_background": True},
        {"disability": False},
        {"migration_background": False, "disability": True},
        {},
    ],
)
def test_mentee_special_category_with_consent_saves(db, special):
    consent = timezone.now()
    mentee = MenteeFactory(special_consent_at=consent, **special)
    mentee.refresh_from_db()
    assert mentee.special_consent_at == consent
    for field, value in special.items():
        assert getattr(mentee, field) is value


def test_mentee_without_special_category_needs_no_special_consent(db):
    mentee = MenteeFactory(special_consent_at=None)
    mentee.refresh_from_db()
    assert mentee.migration_background is None
    assert mentee.disability is None


# --- Mentor -------------------------------------------------------------------------


@pytest.mark.parametrize("capacity", [0, 11, 100])
def test_mentor_capacity_out_of_range_is_refused(db, capacity):
    mentor = MentorFactory(capacity=2)
    with violates("mentor_capacity_in_range"), transaction.atomic():
        Mentor.objects.filter(pk=mentor.pk).update(capacity=capacity)
    with violates("mentor_capacity_in_range"), transaction.atomic():
        MentorFactory(capacity=capacity)
    mentor.refresh_from_db()
    assert mentor.capacity == 2


@pytest.mark.parametrize("capacity", [1, 5, 10])
def test_mentor_capacity_in_range_saves(db, capacity):
    mentor = MentorFactory(capacity=capacity)
    mentor.refresh_from_db()
    assert mentor.capacity == capacity


def test_mentor_capacity_defaults_to_one(programme):
    mentor = Mentor.objects.create(programme=programme, first_name="Marc")
    mentor.refresh_from_db()
    assert mentor.capacity == 1


# --- Duo: choices -------------------------------------------------------------------


@pytest.mark.parametrize("status", ["", "cancelled", "ACTIVE"])
def test_duo_unknown_status_is_refused(db, status):
    duo = DuoFactory()
    with violates("duo_status_valid"), transaction.atomic():
        Duo.objects.filter(pk=duo.pk).update(status=status)
    duo.refresh_from_db()
    assert duo.status == Duo.Status.ACTIVE


def test_duo_unknown_end_reason_is_refused(db):
    duo = DuoFactory(ended=True)
    with violates("duo_end_reason_valid"), transaction.atomic():
        Duo.objects.filter(pk=duo.pk).update(end_reason="bored")
    duo.refresh_from_db()
    assert duo.end_reason == EndReason.COMPLETED


@pytest.mark.parametrize("reason", EndReason.values)
def test_duo_every_end_reason_saves(db, reason):
    duo = DuoFactory(ended=True, end_reason=reason)
    duo.refresh_from_db()
    assert duo.end_reason == reason


# --- Duo: dates and reasons by status -----------------------------------------------


@pytest.mark.parametrize("status", [Duo.Status.ACTIVE, Duo.Status.ENDED])
def test_duo_running_or_ended_needs_a_start(db, status):
    duo = DuoFactory(ended=status == Duo.Status.ENDED)
    assert duo.status == status
    with violates("duo_started_when_active_or_ended"), transaction.atomic():
        Duo.objects.filter(pk=duo.pk).update(started_on=None, planned_end_on=None)
    duo.refresh_from_db()
    assert duo.started_on is not None


def test_duo_active_without_start_is_refused_on_insert(db):
    with violates("duo_started_when_active_or_ended"), transaction.atomic():
        DuoFactory(started_on=None, proposed_on=None, planned_end_on=None)
    assert not Duo.objects.exists()


def test_duo_proposed_and_declined_need_no_start(db):
    proposed = DuoFactory(proposed=True)
    declined = DuoFactory(proposed=True, status=Duo.Status.DECLINED, decline_reason="No click")
    for duo in (proposed, declined):
        duo.refresh_from_db()
        assert duo.started_on is None
        assert duo.planned_end_on is None


def test_duo_ended_needs_an_end_date(db):
    duo = DuoFactory(ended=True)
    with violates("duo_end_date_and_reason_iff_ended"), transaction.atomic():
        Duo.objects.filter(pk=duo.pk).update(ended_on=None)
    duo.refresh_from_db()
    assert duo.ended_on is not None


def test_duo_ended_needs_an_end_reason(db):
    duo = DuoFactory(ended=True)
    with violates("duo_end_date_and_reason_iff_ended"), transaction.atomic():
        Duo.objects.filter(pk=duo.pk).update(end_reason="")
    duo.refresh_from_db()
    assert duo.end_reason == EndReason.COMPLETED


def test_duo_ending_without_date_and_reason_is_refused(db):
    duo = DuoFactory()
    with violates("duo_end_date_and_reason_iff_ended"), transaction.atomic():
        Duo.objects.filter(pk=duo.pk).update(status=Duo.Status.ENDED)
    duo.refresh_from_db()
    assert duo.status == Duo.Status.ACTIVE


@pytest.mark.parametrize(
    "change",
    [
        {"ended_on": TODAY},
        {"end_reason": EndReason.COMPLETED},
        {"ended_on": TODAY, "end_reason": EndReason.COMPLETED},
    ],
    ids=["date", "reason", "both"],
)
def test_duo_active_with_an_end_is_refused(db, change):
    duo = DuoFactory()
    values = {k: v() if callable(v) else v for k, v in change.items()}
    with violates("duo_end_date_and_reason_iff_ended"), transaction.atomic():
        Duo.objects.filter(pk=duo.pk).update(**values)
    duo.refresh_from_db()
    assert duo.ended_on is None
    assert duo.end_reason == ""


@pytest.mark.parametrize("status", [Duo.Status.PROPOSED, Duo.Status.DECLINED])
def test_duo_not_started_with_an_end_reason_is_refused(db, status):
    duo = DuoFactory(proposed=True, status=status, decline_reason="No click")
    with violates("duo_end_date_and_reason_iff_ended"), transaction.atomic():
        Duo.objects.filter(pk=duo.pk).update(end_reason=EndReason.MISMATCH)
    duo.refresh_from_db()
    assert duo.end_reason == ""


def test_duo_ended_with_date_and_reason_saves(db):
    duo = DuoFactory(ended=True, end_reason=EndReason.GOAL_REACHED)
    duo.refresh_from_db()
    assert duo.status == Duo.Status.ENDED
    assert duo.ended_on == duo.started_on + dt.timedelta(weeks=26)


def test_duo_declined_needs_a_reason(db):
    duo = DuoFactory(proposed=True)
    with violates("duo_declined_has_reason"), transaction.atomic():
        Duo.objects.filter(pk=duo.pk).update(status=Duo.Status.DECLINED)
    with violates("duo_declined_has_reason"), transaction.atomic():
        DuoFactory(proposed=True, status=Duo.Status.DECLINED, decline_reason="")
    duo.refresh_from_db()
    assert duo.status == Duo.Status.PROPOSED
    Duo.objects.filter(pk=duo.pk).update(status=Duo.Status.DECLINED, decline_reason="Too far")
    duo.refresh_from_db()
    assert duo.status == Duo.Status.DECLINED


def test_duo_ending_before_it_started_is_refused(db):
    duo = DuoFactory(ended=True)
    with violates("duo_end_after_start"), transaction.atomic():
        Duo.objects.filter(pk=duo.pk).update(ended_on=duo.started_on - dt.timedelta(days=1))
    Duo.objects.filter(pk=duo.pk).update(ended_on=duo.started_on)  # same day: allowed
    duo.refresh_from_db()
    assert duo.ended_on == duo.started_on


def test_duo_planned_end_before_start_is_refused(db):
    duo = DuoFactory()
    with violates("duo_planned_end_after_start"), transaction.atomic():
        Duo.objects.filter(pk=duo.pk).update(planned_end_on=duo.started_on - dt.timedelta(days=1))
    Duo.objects.filter(pk=duo.pk).update(planned_end_on=duo.started_on)
    duo.refresh_from_db()
    assert duo.planned_end_on == duo.started_on
    Duo.objects.filter(pk=duo.pk).update(planned_end_on=None)
    duo.refresh_from_db()
    assert duo.planned_end_on is None


@pytest.mark.parametrize("score", ["-0.01", "-5", "100.01", "250"])
def test_duo_match_score_out_of_range_is_refused(db, score):
    duo = DuoFactory(match_score=Decimal("50"))
    with violates("duo_match_score_in_range"), transaction.atomic():
        Duo.objects.filter(pk=duo.pk).update(match_score=Decimal(score))
    duo.refresh_from_db()
    assert duo.match_score == Decimal("50")


@pytest.mark.parametrize("score", [None, "0", "0.01", "73.5", "100"])
def test_duo_match_score_in_range_or_none_saves(db, score):
    value = None if score is None else Decimal(score)
    duo = DuoFactory(proposed=True, match_score=value)
    duo.refresh_from_db()
    assert duo.match_score == value


# --- Duo: uniqueness ----------------------------------------------------------------


def test_duo_one_active_per_mentee(db):
    first = DuoFactory()
    with violates("duo_one_active_per_mentee", "duos_duo.mentee_id"), transaction.atomic():
        DuoFactory(
            programme=first.programme,
            mentee=first.mentee,
            started_on=first.started_on + dt.timedelta(days=1),
        )
    assert Duo.objects.filter(mentee=first.mentee).count() == 1


def test_duo_activating_a_second_duo_of_the_mentee_is_refused(db):
    active = DuoFactory()
    proposal = DuoFactory(proposed=True, programme=active.programme, mentee=active.mentee)
    with violates("duo_one_active_per_mentee", "duos_duo.mentee_id"), transaction.atomic():
        Duo.objects.filter(pk=proposal.pk).update(status=Duo.Status.ACTIVE, started_on=TODAY())
    proposal.refresh_from_db()
    assert proposal.status == Duo.Status.PROPOSED


def test_duo_a_mentee_may_have_past_and_pending_duos_beside_the_active_one(db):
    """Re-matching: several ended, declined and proposed duos, one active."""
    mentee = MenteeFactory()
    programme = mentee.programme
    for days in (900, 500):
        DuoFactory(
            ended=True,
            programme=programme,
            mentee=mentee,
            started_on=TODAY() - dt.timedelta(days=days),
        )
    DuoFactory(proposed=True, programme=programme, mentee=mentee)
    DuoFactory(
        proposed=True,
        programme=programme,
        mentee=mentee,
        status=Duo.Status.DECLINED,
        decline_reason="Mentor too far",
    )
    DuoFactory(programme=programme, mentee=mentee)
    assert mentee.duos.count() == 5
    assert mentee.duos.filter(status=Duo.Status.ACTIVE).count() == 1
    # Another mentee's active duo with the same mentor is fine too.
    other = DuoFactory(programme=programme, mentor=mentee.duos.first().mentor)
    assert other.status == Duo.Status.ACTIVE


def test_duo_mentee_and_start_date_unique(db):
    first = DuoFactory(ended=True)
    with (
        violates("duo_mentee_start_unique", "duos_duo.mentee_id, duos_duo.started_on"),
        transaction.atomic(),
    ):
        DuoFactory(
            ended=True, programme=first.programme, mentee=first.mentee, started_on=first.started_on
        )
    assert Duo.objects.filter(mentee=first.mentee).count() == 1


def test_duo_same_start_date_for_other_mentees_and_unstarted_duos_saves(db):
    first = DuoFactory()
    DuoFactory(programme=first.programme, started_on=first.started_on)
    for _ in range(2):
        DuoFactory(proposed=True, programme=first.programme, mentee=first.mentee)
    assert Duo.objects.filter(started_on=first.started_on).count() == 2
    assert Duo.objects.filter(mentee=first.mentee, started_on__isnull=True).count() == 2


# --- Meeting ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["", "teams", "email"])
def test_meeting_unknown_mode_is_refused(db, mode):
    meeting = MeetingFactory()
    with violates("meeting_mode_valid"), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(mode=mode)
    with violates("meeting_mode_valid"), transaction.atomic():
        MeetingFactory(duo=meeting.duo, mode=mode)
    meeting.refresh_from_db()
    assert meeting.mode == Meeting.Mode.WORKPLACE
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize("mode", Meeting.Mode.values)
def test_meeting_every_mode_saves(db, mode):
    meeting = MeetingFactory(mode=mode)
    meeting.refresh_from_db()
    assert meeting.mode == mode


@pytest.mark.parametrize("minutes", [0, 721, 1440])
def test_meeting_minutes_out_of_range_are_refused(db, minutes):
    meeting = MeetingFactory(minutes=60)
    with violates("meeting_minutes_in_range"), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(minutes=minutes)
    with violates("meeting_minutes_in_range"), transaction.atomic():
        MeetingFactory(duo=meeting.duo, minutes=minutes)
    meeting.refresh_from_db()
    assert meeting.minutes == 60
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize("minutes", [1, 90, 720])
def test_meeting_minutes_in_range_save(db, minutes):
    meeting = MeetingFactory(minutes=minutes)
    meeting.refresh_from_db()
    assert meeting.minutes == minutes


# --- Outcome ------------------------------------------------------------------------


def test_outcome_one_per_duo_and_point(db):
    exit_outcome = OutcomeFactory()
    with (
        violates("outcome_one_per_duo_and_point", "duos_outcome.duo_id, duos_outcome.point"),
        transaction.atomic(),
    ):
        OutcomeFactory(duo=exit_outcome.duo, status=Outcome.Status.TRAINING, contract_type="")
    assert Outcome.objects.filter(duo=exit_outcome.duo).count() == 1


def test_outcome_moving_onto_an_existing_point_is_refused(db):
    exit_outcome = OutcomeFactory()
    follow_up = OutcomeFactory(duo=exit_outcome.duo, point=Outcome.Point.FOLLOW_UP)
    with (
        violates("outcome_one_per_duo_and_point", "duos_outcome.duo_id, duos_outcome.point"),
        transaction.atomic(),
    ):
        Outcome.objects.filter(pk=follow_up.pk).update(point=Outcome.Point.EXIT)
    follow_up.refresh_from_db()
    assert follow_up.point == Outcome.Point.FOLLOW_UP


def test_outcome_both_points_of_a_duo_and_the_same_point_of_another_duo_save(db):
    exit_outcome = OutcomeFactory()
    OutcomeFactory(duo=exit_outcome.duo, point=Outcome.Point.FOLLOW_UP)
    OutcomeFactory(point=Outcome.Point.EXIT)
    assert Outcome.objects.filter(duo=exit_outcome.duo).count() == 2
    assert Outcome.objects.filter(point=Outcome.Point.EXIT).count() == 2


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("point", "", "outcome_point_valid"),
        ("point", "midway", "outcome_point_valid"),
        ("status", "", "outcome_status_valid"),
        ("status", "retired", "outcome_status_valid"),
        ("source", "", "outcome_source_valid"),
        ("source", "neighbour", "outcome_source_valid"),
        ("contract_type", "cdi", "outcome_contract_valid"),
    ],
)
def test_outcome_unknown_choice_is_refused(db, field, value, constraint):
    outcome = OutcomeFactory(contract_type="")  # no contract: only `constraint` can fail
    before = getattr(outcome, field)
    with violates(constraint), transaction.atomic():
        Outcome.objects.filter(pk=outcome.pk).update(**{field: value})
    outcome.refresh_from_db()
    assert getattr(outcome, field) == before


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("status", Outcome.Status.values),
        ("source", Outcome.Source.values),
        ("point", Outcome.Point.values),
    ],
)
def test_outcome_every_known_choice_saves(db, field, values):
    for value in values:
        outcome = OutcomeFactory(contract_type="", **{field: value})
        outcome.refresh_from_db()
        assert getattr(outcome, field) == value


@pytest.mark.parametrize("contract", Outcome.Contract.values)
def test_outcome_every_contract_saves_with_employed(db, contract):
    outcome = OutcomeFactory(status=Outcome.Status.EMPLOYED, contract_type=contract)
    outcome.refresh_from_db()
    assert outcome.contract_type == contract


@pytest.mark.parametrize(
    "status", [s for s in Outcome.Status.values if s != Outcome.Status.EMPLOYED]
)
def test_outcome_contract_without_employed_is_refused(db, status):
    with violates("outcome_contract_only_when_employed"), transaction.atomic():
        OutcomeFactory(status=status, contract_type=Outcome.Contract.PERMANENT)
    outcome = OutcomeFactory(status=Outcome.Status.EMPLOYED, contract_type="permanent")
    with violates("outcome_contract_only_when_employed"), transaction.atomic():
        Outcome.objects.filter(pk=outcome.pk).update(status=status)
    outcome.refresh_from_db()
    assert outcome.status == Outcome.Status.EMPLOYED
    assert Outcome.objects.count() == 1


@pytest.mark.parametrize("status", Outcome.Status.values)
def test_outcome_without_contract_saves_with_any_status(db, status):
    outcome = OutcomeFactory(status=status, contract_type="")
    outcome.refresh_from_db()
    assert (outcome.status, outcome.contract_type) == (status, "")


# --- Screening, training attendance, imports -------------------------------------------


def _screening(**kwargs):
    values = {"interviewed_on": TODAY(), "eligible": True, "checks": []}
    return Screening.objects.create(**{**values, **kwargs})


def test_screening_is_of_exactly_one_person(db):
    mentee, mentor = MenteeFactory(), MentorFactory()
    with violates("screening_of_one_person"), transaction.atomic():
        _screening()
    with violates("screening_of_one_person"), transaction.atomic():
        _screening(mentee=mentee, mentor=mentor)
    _screening(mentee=mentee)
    _screening(mentor=mentor)
    assert Screening.objects.count() == 2


def test_screening_ineligible_needs_an_override_reason(db):
    mentee = MenteeFactory()
    with violates("screening_ineligible_needs_override"), transaction.atomic():
        _screening(mentee=mentee, eligible=False)
    screening = _screening(mentee=mentee, eligible=False, override_reason="Age limit: 31")
    with violates("screening_ineligible_needs_override"), transaction.atomic():
        Screening.objects.filter(pk=screening.pk).update(override_reason="")
    screening.refresh_from_db()
    assert screening.override_reason == "Age limit: 31"


def test_training_attendance_once_per_session_and_mentor(programme):
    session = TrainingSession.objects.create(
        programme=programme, title="Mentor training", date=TODAY()
    )
    mentor = MentorFactory(programme=programme)
    TrainingAttendance.objects.create(session=session, mentor=mentor)
    with (
        violates(
            "attendance_once_per_session",
            "duos_trainingattendance.session_id, duos_trainingattendance.mentor_id",
        ),
        transaction.atomic(),
    ):
        TrainingAttendance.objects.create(session=session, mentor=mentor, attended=False)
    TrainingAttendance.objects.create(session=session, mentor=MentorFactory(programme=programme))
    assert TrainingAttendance.objects.filter(session=session).count() == 2


def test_data_import_kind_must_be_known(programme):
    uploader = UserFactory()
    for kind in ImportKind.values:
        DataImport.objects.create(
            programme=programme, kind=kind, filename="x.csv", content=b"", uploaded_by=uploader
        )
    with violates("import_kind_valid"), transaction.atomic():
        DataImport.objects.create(programme=programme, kind="mentors", filename="x", content=b"")
    assert DataImport.objects.count() == len(ImportKind.values)
