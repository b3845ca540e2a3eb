"""The services behind the historical import: duos of the past recorded and
corrected under the mentor's row lock, with capacity checked over time."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from duos.models import Duo, Outcome
from duos.services import CapacityError, outcome_record
from duos.services.history import duo_correct_past, duo_record_past, peak_beside
from duos.services.participants import participant_create, participant_update
from tests.factories import DuoFactory, MenteeFactory, MentorFactory, UserFactory

D = dt.date


def test_peak_beside_counts_the_duos_sharing_a_day():
    span = (D(2020, 1, 10), D(2020, 3, 1))
    assert peak_beside(span, []) == 1
    # A handover on the same day does not overlap; an open duo runs on.
    assert peak_beside(span, [(D(2019, 1, 1), D(2020, 1, 10)), (D(2020, 3, 1), None)]) == 1
    assert peak_beside(span, [(D(2020, 2, 1), None), (D(2019, 6, 1), D(2020, 2, 15))]) == 3
    # Two others that never meet each other: two at most.
    assert peak_beside(span, [(D(2020, 1, 1), D(2020, 1, 20)), (D(2020, 2, 1), None)]) == 2
    assert peak_beside((D(2020, 5, 1), D(2020, 5, 1)), [(D(2020, 5, 1), D(2020, 5, 2))]) == 2


@pytest.fixture
def pair(programme):
    mentee = MenteeFactory(programme=programme, status="applied")
    return mentee, MentorFactory(programme=programme, capacity=1)


def test_a_past_duo_is_recorded_as_it_was_and_audited(pair):
    mentee, mentor = pair
    actor = UserFactory()
    duo = duo_record_past(
        actor,
        mentee=mentee,
        mentor=mentor,
        started_on=D(2020, 1, 6),
        ended_on=D(2020, 7, 6),
        end_reason="completed",
    )
    assert (duo.status, duo.started_on, duo.ended_on) == ("ended", D(2020, 1, 6), D(2020, 7, 6))
    assert LogEntry.objects.get_for_object(duo).get().actor == actor
    mentee.refresh_from_db()
    assert mentee.status == "done"


def test_a_past_duo_beyond_the_mentor_s_capacity_is_refused(pair, programme):
    mentee, mentor = pair
    duo_record_past(None, mentee=mentee, mentor=mentor, started_on=D(2020, 1, 6))
    other = MenteeFactory(programme=programme)
    with pytest.raises(CapacityError, match="would run 2 duos at once from 2020-03-02"):
        duo_record_past(
            None,
            mentee=other,
            mentor=mentor,
            started_on=D(2020, 3, 2),
            ended_on=D(2020, 4, 1),
            end_reason="mismatch",
        )
    # Before the first one started, there was room.
    duo_record_past(
        None,
        mentee=other,
        mentor=mentor,
        started_on=D(2019, 3, 2),
        ended_on=D(2020, 1, 6),
        end_reason="completed",
    )
    assert Duo.objects.filter(mentor=mentor).count() == 2


def test_dates_and_reasons_are_checked(pair):
    mentee, mentor = pair
    with pytest.raises(ValidationError):
        duo_record_past(None, mentee=mentee, mentor=mentor, started_on=D(2999, 1, 1))
    with pytest.raises(ValidationError):
        duo_record_past(
            None, mentee=mentee, mentor=mentor, started_on=D(2020, 1, 1), ended_on=D(2020, 2, 1)
        )
    assert not Duo.objects.exists()


def test_correcting_the_end_moves_the_outcomes_dated_by_it(programme):
    duo = DuoFactory(programme=programme, started_on=D(2024, 1, 8))
    duo = duo_correct_past(None, duo=duo, ended_on=D(2024, 7, 1), end_reason="completed")
    assert duo.status == "ended" and duo.mentee.status == "done"
    outcome_record(None, duo=duo, point="exit", status="employed", source="coordinator")
    outcome_record(
        None, duo=duo, point="follow_up", status="training", source="mentee", date=D(2025, 2, 3)
    )
    duo_correct_past(None, duo=duo, ended_on=D(2024, 6, 14))
    dates = dict(Outcome.objects.filter(duo=duo).values_list("point", "date"))
    assert dates == {"exit": D(2024, 6, 14), "follow_up": D(2025, 2, 3)}  # its own date stays


def test_participants_from_an_import(programme):
    mentor = participant_create(
        None, programme=programme, model=MentorFactory._meta.model, fields={"ref": "M1"}
    )
    assert (mentor.origin, mentor.status, mentor.consent_given_at) == ("import", "applied", None)
    DuoFactory(programme=programme, mentor=mentor)
    DuoFactory(programme=programme, mentor=mentor)
    with pytest.raises(ValidationError, match="runs 2 duos now"):
        participant_update(None, person=mentor, fields={"capacity": 1})
    mentee = MenteeFactory(programme=programme, employment_status_at_entry="inactive")
    participant_update(None, person=mentee, fields={"employment_status_at_entry": "employed"})
    mentee.refresh_from_db()
    assert mentee.employment_status_at_entry == "inactive"  # never overwritten
