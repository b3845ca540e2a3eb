"""Intake services and eligibility, against the real database."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from duos.models import Duo, Mentee, Mentor, PipelineStatus, Screening, TrainingAttendance
from duos.services import eligibility, intake
from tests.factories import (
    DuoFactory,
    MenteeFactory,
    MentorFactory,
    ProgrammeFactory,
    UserFactory,
)

TODAY = dt.date(2026, 11, 23)
NOON_TODAY = dt.datetime(2026, 11, 23, 12, tzinfo=ZoneInfo("Europe/Brussels"))


@pytest.fixture
def duo_for_a_job(db):
    return ProgrammeFactory(
        mentee_min_age=18,
        mentee_max_age=29,
        mentee_migration_background_required=True,
        mentor_min_age=50,
        training_required=True,
    )


def _born(years_ago: int, days: int = 0) -> dt.date:
    return TODAY.replace(year=TODAY.year - years_ago) - dt.timedelta(days=days)


# --- eligibility in words ------------------------------------------------


def test_too_old_mentee_is_explained_in_words(duo_for_a_job):
    mentee = MenteeFactory(programme=duo_for_a_job, birth_date=_born(31, days=10))
    checks = eligibility.mentee_checks(mentee, on=TODAY)
    age = next(c for c in checks if c.rule == "age")
    assert not age.ok
    assert age.message == "31 years old: this programme takes mentees up to 29."


def test_age_is_counted_on_the_day(duo_for_a_job):
    # 30th birthday tomorrow: still 29 today.
    mentee = MenteeFactory(programme=duo_for_a_job, birth_date=_born(30) + dt.timedelta(days=1))
    assert next(c for c in eligibility.mentee_checks(mentee, on=TODAY) if c.rule == "age").ok


def test_migration_background_needs_consent_to_count(duo_for_a_job):
    mentee = MenteeFactory(programme=duo_for_a_job, birth_date=_born(24))
    check = next(
        c for c in eligibility.mentee_checks(mentee, on=TODAY) if c.rule == "migration_background"
    )
    assert not check.ok
    assert "consent" in check.message
    Mentee.objects.filter(pk=mentee.pk).update(
        special_consent_at=timezone.now(), migration_background=True
    )
    mentee.refresh_from_db()
    assert all(c.ok for c in eligibility.mentee_checks(mentee, on=TODAY))


def test_young_mentor_is_refused_with_reason(duo_for_a_job):
    mentor = MentorFactory(programme=duo_for_a_job, birth_date=_born(45))
    [check] = eligibility.mentor_checks(mentor, on=TODAY)
    assert check.message == "45 years old: this programme takes mentors from 50."


def test_education_target_groups(db):
    programme = ProgrammeFactory(mentee_education_levels=["isced_0_2"])
    mentee = MenteeFactory(programme=programme, education_level="isced_5_8")
    [check] = eligibility.mentee_checks(mentee, on=TODAY)
    assert not check.ok
    assert "Higher education" in check.message


# --- applications and duplicates ------------------------------------------------


def _application(programme, **extra):
    data = {
        "first_name": "Amina",
        "last_name": "Benali",
        "email": "amina.benali@duo.invalid",
        "phone": "0470 12 34 56",
        "birth_date": _born(24),
        "postcode": "1080",
        "municipality": "Molenbeek-Saint-Jean",
        "languages": ["fr", "ar"],
        "migration_background": True,
    }
    data.update(extra)
    return data


def test_application_arrives_as_applied_with_consent(
    duo_for_a_job, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mentee = intake.application_submit(
            programme=duo_for_a_job,
            model=Mentee,
            data=_application(duo_for_a_job),
            special_consent=True,
        )
    assert mentee.status == PipelineStatus.APPLIED
    assert mentee.origin == "application"
    assert mentee.consent_given_at is not None and mentee.consent_version == intake.CONSENT_VERSION
    assert mentee.migration_background is True
    assert mailoutbox[0].to == ["amina.benali@duo.invalid"]


def test_special_category_answers_are_dropped_without_their_consent(duo_for_a_job):
    mentee = intake.application_submit(
        programme=duo_for_a_job,
        model=Mentee,
        data=_application(duo_for_a_job),
        special_consent=False,
    )
    mentee.refresh_from_db()
    assert mentee.migration_background is None
    assert mentee.special_consent_at is None


@pytest.mark.parametrize(
    "change",
    [
        {"email": "AMINA.BENALI@duo.invalid", "phone": "", "birth_date": None},
        {"email": "", "phone": "+32 470 12 34 56", "birth_date": None},
        {"email": "", "phone": "", "first_name": "amina", "last_name": "BENALI"},
    ],
)
def test_likely_duplicates(duo_for_a_job, change):
    first = intake.application_submit(
        programme=duo_for_a_job,
        model=Mentee,
        data=_application(duo_for_a_job),
        special_consent=False,
    )
    second = intake.application_submit(
        programme=duo_for_a_job,
        model=Mentee,
        data=_application(duo_for_a_job, **change),
        special_consent=False,
    )
    assert list(intake.likely_duplicates(second)) == [first]


def test_no_duplicate_across_programmes_or_for_different_people(duo_for_a_job):
    first = MenteeFactory(programme=duo_for_a_job, email="a@duo.invalid", phone="0470 00 00 01")
    MenteeFactory(email="a@duo.invalid")  # another programme
    MenteeFactory(programme=duo_for_a_job, email="b@duo.invalid", phone="0470 00 00 02")
    assert list(intake.likely_duplicates(first)) == []


def test_merge_fills_blanks_and_deletes_the_duplicate(duo_for_a_job):
    keep = MenteeFactory(programme=duo_for_a_job, phone="", languages=["fr"], sectors=[])
    duplicate = MenteeFactory(
        programme=duo_for_a_job, phone="0470 99 88 77", languages=["ar"], sectors=["ict"]
    )
    intake.participant_merge(UserFactory(), keep=keep, duplicate=duplicate)
    keep.refresh_from_db()
    assert keep.phone == "0470 99 88 77"
    assert keep.languages == ["ar", "fr"]
    assert keep.sectors == ["ict"]
    assert not Mentee.objects.filter(pk=duplicate.pk).exists()


def test_merge_refuses_a_duplicate_with_duos(duo_for_a_job):
    keep = MenteeFactory(programme=duo_for_a_job)
    duplicate = DuoFactory(programme=duo_for_a_job).mentee
    with pytest.raises(ValidationError, match="already has duos"):
        intake.participant_merge(UserFactory(), keep=keep, duplicate=duplicate)
    assert Mentee.objects.filter(pk=duplicate.pk).exists()


# --- screening ------------------------------------------------


def test_eligible_mentee_becomes_ready_and_situation_is_recorded_once(duo_for_a_job):
    mentee = MenteeFactory(
        programme=duo_for_a_job,
        status="applied",
        birth_date=_born(24),
        special_consent_at=timezone.now(),
        migration_background=True,
    )
    with time_machine.travel(NOON_TODAY):
        screening = intake.participant_screen(
            UserFactory(),
            person=mentee,
            interviewed_on=TODAY,
            situation={
                "employment_status_at_entry": "long_term_unemployed",
                "jobseeker_ref": "ACT-1",
            },
        )
    mentee.refresh_from_db()
    assert screening.eligible and screening.checks
    assert mentee.status == PipelineStatus.READY
    assert mentee.waiting_since == TODAY
    assert mentee.employment_status_at_entry == "long_term_unemployed"
    assert mentee.age_band_at_entry == "under_25"
    # A second interview never overwrites the situation at entry.
    Mentee.objects.filter(pk=mentee.pk).update(status="screened")
    mentee.refresh_from_db()
    with time_machine.travel(NOON_TODAY):
        intake.participant_screen(
            UserFactory(),
            person=mentee,
            interviewed_on=TODAY - dt.timedelta(days=1),
            situation={"employment_status_at_entry": "employed", "jobseeker_ref": "OTHER"},
        )
    mentee.refresh_from_db()
    assert mentee.employment_status_at_entry == "long_term_unemployed"
    assert mentee.jobseeker_ref == "ACT-1"


def test_ineligible_needs_an_override_reason(duo_for_a_job):
    mentee = MenteeFactory(programme=duo_for_a_job, status="applied", birth_date=_born(31, days=3))
    with pytest.raises(ValidationError) as refused:
        intake.participant_screen(UserFactory(), person=mentee, interviewed_on=timezone.localdate())
    messages = refused.value.message_dict["override_reason"]
    assert any("this programme takes mentees up to 29" in m for m in messages)
    assert not Screening.objects.exists()
    mentee.refresh_from_db()
    assert mentee.status == PipelineStatus.APPLIED

    screening = intake.participant_screen(
        UserFactory(),
        person=mentee,
        interviewed_on=timezone.localdate(),
        override_reason="Referred by Actiris as a priority case",
    )
    assert not screening.eligible
    assert screening.override_reason == "Referred by Actiris as a priority case"


def test_mentor_waits_for_training_then_becomes_ready(duo_for_a_job):
    mentor = MentorFactory(
        programme=duo_for_a_job, status="applied", birth_date=_born(58), training_completed_on=None
    )
    intake.participant_screen(UserFactory(), person=mentor, interviewed_on=timezone.localdate())
    mentor.refresh_from_db()
    assert mentor.status == PipelineStatus.SCREENED
    session = intake.training_session_create(
        UserFactory(), programme=duo_for_a_job, title="Mentoring basics", date=timezone.localdate()
    )
    intake.training_attendance_record(UserFactory(), session=session, attended=[mentor])
    mentor.refresh_from_db()
    assert mentor.status == PipelineStatus.READY
    assert mentor.training_completed_on == timezone.localdate()
    assert TrainingAttendance.objects.filter(session=session, mentor=mentor, attended=True).exists()


def test_mentor_without_required_training_is_ready_at_screening(db):
    programme = ProgrammeFactory(training_required=False)
    mentor = MentorFactory(programme=programme, status="applied", training_completed_on=None)
    intake.participant_screen(UserFactory(), person=mentor, interviewed_on=timezone.localdate())
    mentor.refresh_from_db()
    assert mentor.status == PipelineStatus.READY


def test_attendance_in_the_future_or_of_another_programme_is_refused(duo_for_a_job):
    future = intake.training_session_create(
        UserFactory(),
        programme=duo_for_a_job,
        title="Later",
        date=timezone.localdate() + dt.timedelta(days=3),
    )
    mentor = MentorFactory(programme=duo_for_a_job, status="screened", training_completed_on=None)
    with pytest.raises(ValidationError, match="once the session has taken place"):
        intake.training_attendance_record(UserFactory(), session=future, attended=[mentor])
    today = intake.training_session_create(
        UserFactory(), programme=duo_for_a_job, title="Now", date=timezone.localdate()
    )
    with pytest.raises(ValidationError, match="Only mentors of this programme"):
        intake.training_attendance_record(UserFactory(), session=today, attended=[MentorFactory()])
    assert not TrainingAttendance.objects.exists()


def test_only_applicants_are_screened(duo_for_a_job):
    mentee = DuoFactory(programme=duo_for_a_job).mentee
    with pytest.raises(ValidationError, match="only applicants are screened"):
        intake.participant_screen(UserFactory(), person=mentee, interviewed_on=timezone.localdate())


# --- withdrawal ------------------------------------------------


def test_withdrawal_declines_open_proposals(duo_for_a_job):
    proposal = DuoFactory(programme=duo_for_a_job, proposed=True)
    intake.participant_withdraw(
        UserFactory(), person=proposal.mentee, reason="Found a job on her own"
    )
    proposal.refresh_from_db()
    proposal.mentee.refresh_from_db()
    assert proposal.status == Duo.Status.DECLINED
    assert "Found a job" in proposal.decline_reason
    assert proposal.mentee.status == PipelineStatus.WITHDRAWN
    assert proposal.mentee.withdrawal_reason == "Found a job on her own"


def test_withdrawal_with_an_active_duo_or_no_reason_is_refused(duo_for_a_job):
    duo = DuoFactory(programme=duo_for_a_job)
    with pytest.raises(ValidationError, match="end the duo first"):
        intake.participant_withdraw(UserFactory(), person=duo.mentor, reason="Moving abroad")
    with pytest.raises(ValidationError):
        intake.participant_withdraw(
            UserFactory(), person=MentorFactory(programme=duo_for_a_job), reason="  "
        )
    assert not Mentor.objects.filter(status=PipelineStatus.WITHDRAWN).exists()
