"""Erasure (issue 14 item 3): after ``participant_erase`` the figures are the
same and the erased values are nowhere in the database — every text, char,
JSON and binary column of every table, the change history and the trail
included."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from auditlog.context import set_actor
from django.apps import apps
from django.core.management import call_command
from django.db import models

from duos.models import (
    CheckIn,
    Concern,
    DataImport,
    DuoFeedback,
    FollowUpRequest,
    ImportedRow,
    Mentee,
    PairingExclusion,
    PersonAccess,
    Screening,
)
from duos.services import erasure, trail
from programmes.models import AccessRecord
from reporting.models import RateSnapshot
from reporting.services import snapshot_compute
from tests.factories import (
    DuoFactory,
    MeetingFactory,
    MentorFactory,
    OutcomeFactory,
    ProgrammeFactory,
    UserFactory,
)

NAME = ("Zebulonia", "Quaxmirette")
EMAIL = "zebulonia.quax@example.invalid"
PHONE = "+32 499 12 34 56"
NOTES = {
    "motivation": "I want to leave the night shifts at Quaxcorp behind",
    "withdrawal": "Moved to Xylophonia with her aunt",
    "screening": "Told us about her debts at Ringelbank",
    "meeting": "We practised the interview for Plumbusworks",
    "outcome": "Hired by Fnordlogistics on a fixed-term contract",
    "feedback": "Mentor was wonderful, Glorbish even",
    "concern": "She seems worried about Vexmoor housing",
    "resolution": "Called the Vexmoor social service",
    "check_in": "Coach saw signs of Brindlecough illness",
    "exclusion": "Her cousin Trombulax",
}
TEXT_TYPES = (models.CharField, models.TextField, models.JSONField)


def _rates() -> list[dict]:
    out = io.StringIO()
    call_command("programme_rates", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    return [{k: v for k, v in row.items() if k != "computed_at"} for row in rows]


def _figures_around(programme):
    """Other trajectories, so that the rates are more than one person's."""
    for i, status in enumerate(["employed", "training", "still_searching", "unknown"]):
        duo = DuoFactory(programme=programme, ended=True, mentee__gender="female")
        OutcomeFactory(duo=duo, status=status, contract_type="fixed_term" * (status == "employed"))
        if i % 2:
            MeetingFactory(duo=duo)


def _person_with_everything(programme, coordinator):
    with set_actor(coordinator):
        duo = DuoFactory(
            programme=programme,
            ended=True,
            mentee__first_name=NAME[0],
            mentee__last_name=NAME[1],
            mentee__email=EMAIL,
            mentee__phone=PHONE,
            mentee__motivation=NOTES["motivation"],
            mentee__gender="female",
            mentee__education_level="isced_3_4",
            mentee__age_band_at_entry="under_25",
            mentee__employment_status_at_entry="long_term_unemployed",
            mentee__jobseeker_ref="VDAB-778899",
            mentee__migration_background=True,
            mentee__special_consent_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        )
        mentee = duo.mentee
        # A correction: the history records old and new values.
        mentee.email, mentee.phone = EMAIL, PHONE
        mentee.withdrawal_reason = NOTES["withdrawal"]
        mentee.save()
        Screening.objects.create(
            mentee=mentee, interviewed_on=duo.started_on, notes=NOTES["screening"], eligible=True
        )
        MeetingFactory(duo=duo, note=NOTES["meeting"])
        outcome = OutcomeFactory(duo=duo, note="first")
        outcome.note = NOTES["outcome"]
        outcome.save()
        DuoFeedback.objects.create(
            duo=duo, respondent="mentee", satisfaction=5, comment=NOTES["feedback"]
        )
        Concern.objects.create(duo=duo, text=NOTES["concern"], resolution=NOTES["resolution"])
        CheckIn.objects.create(duo=duo, kind="mid_term", on=duo.started_on, note=NOTES["check_in"])
        FollowUpRequest.objects.create(
            duo=duo, token_hash="x" * 64, email=EMAIL, expires_at=dt.datetime.now(dt.UTC)
        )
        PairingExclusion.objects.create(
            mentee=mentee, mentor=MentorFactory(programme=programme), reason=NOTES["exclusion"]
        )
    return mentee


def _copies_elsewhere(programme, mentee, coordinator):
    """What the rest of the application kept about them: uploads, the import's
    bookkeeping, the trail of views and exports."""
    csv = f"ref;first_name;last_name;email\n{mentee.ref};{NAME[0]};{NAME[1]};{EMAIL}\n"
    DataImport.objects.create(
        programme=programme,
        kind="participants",
        filename="intake.csv",
        content=csv.encode(),
        summary={"errors": [f"row 2: {NAME[0]} {NAME[1]} has no phone"]},
    )
    ImportedRow.objects.create(
        programme=programme,
        kind="participants",
        key=f"mentee|{mentee.ref}",
        values={"first_name": NAME[0], "last_name": NAME[1], "email": EMAIL, "phone": PHONE},
    )
    record = AccessRecord.objects.create(
        user=coordinator, what="participant_export", programme=programme, filters={"q": NAME[1]}
    )
    trail.export_logged(
        coordinator,
        record=record,
        queryset=Mentee.objects.filter(pk=mentee.pk),
        where=trail.Where(),
    )
    trail.person_viewed(coordinator, person=mentee, where=trail.Where(ip="203.0.113.9"))


def _needles() -> list[str]:
    return [*NAME, EMAIL, PHONE, "VDAB-778899", *NOTES.values()]


def _found_anywhere(needles: list[str]) -> list[str]:
    """Every (table.column, needle) where an erased value still stands: all
    text, char, JSON and binary columns of all tables."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            binary = isinstance(field, models.BinaryField)
            if not (binary or isinstance(field, TEXT_TYPES)):
                continue
            for value in model._default_manager.values_list(field.attname, flat=True):
                if value is None:
                    continue
                if binary:
                    text = bytes(value).decode("utf-8", "replace")
                else:
                    text = value if isinstance(value, str) else json.dumps(value)
                found += [
                    f"{model._meta.db_table}.{field.column}: {n!r}"
                    for n in needles
                    if n.lower() in text.lower()
                ]
    return found


@pytest.mark.django_db
def test_erasure_keeps_every_rate_and_leaves_no_trace():
    programme = ProgrammeFactory()
    coordinator = UserFactory()
    _figures_around(programme)
    mentee = _person_with_everything(programme, coordinator)
    _copies_elsewhere(programme, mentee, coordinator)
    snapshot = snapshot_compute(programme=programme)
    rates = _rates()
    assert _found_anywhere([NAME[1], EMAIL]), "the scenario must hold the values first"

    erasure.participant_erase(coordinator, person=mentee)

    assert _rates() == rates
    assert list(RateSnapshot.objects.values_list("pk", "rows", "breakdowns")) == [
        (snapshot.pk, snapshot.rows, snapshot.breakdowns)
    ]
    assert snapshot_compute(programme=programme).rows == snapshot.rows
    assert _found_anywhere(_needles()) == []


@pytest.mark.django_db
def test_erasure_keeps_the_situation_at_entry_and_the_trajectory():
    programme = ProgrammeFactory()
    coordinator = UserFactory()
    mentee = _person_with_everything(programme, coordinator)
    duo = mentee.duos.get()
    trail.person_viewed(coordinator, person=mentee, where=trail.Where(ip="203.0.113.9"))
    erasure.participant_erase(coordinator, person=mentee)
    mentee.refresh_from_db()
    assert (
        mentee.first_name == erasure.placeholder(mentee) == f"Erased {mentee.uuid.hex[:4].upper()}"
    )
    assert str(mentee) == mentee.first_name and erasure.is_erased(mentee)
    assert (mentee.last_name, mentee.email, mentee.phone, mentee.postcode) == ("", "", "", "")
    assert mentee.birth_date is None and mentee.migration_background is None
    assert mentee.special_consent_at is None
    assert (mentee.gender, mentee.education_level, mentee.age_band_at_entry) == (
        "female",
        "isced_3_4",
        "under_25",
    )
    assert mentee.employment_status_at_entry == "long_term_unemployed"
    duo.refresh_from_db()
    assert (duo.status, duo.end_reason, duo.started_on) == ("ended", "completed", duo.started_on)
    assert duo.outcomes.get().status == "employed"
    assert duo.meetings.count() == 1
    # The trail keeps who looked and when; nothing about the person but the pseudonym.
    assert PersonAccess.objects.filter(mentee=mentee).exists()


@pytest.mark.django_db
def test_erasing_a_mentor_empties_their_own_account():
    from django.contrib.auth import get_user_model

    programme = ProgrammeFactory()
    user = UserFactory(email="mentor.glorp@example.invalid", first_name="Glorp")
    mentor = MentorFactory(programme=programme, user=user, email="mentor.glorp@example.invalid")
    erasure.participant_erase(UserFactory(), person=mentor)
    user = get_user_model().objects.get(pk=user.pk)
    assert not user.is_active and not user.email and not user.has_usable_password()
    assert _found_anywhere(["mentor.glorp@example.invalid", "Glorp"]) == []


@pytest.mark.django_db
def test_erasure_leaves_a_namesake_alone():
    from auditlog.models import LogEntry

    from tests.factories import MenteeFactory

    programme = ProgrammeFactory()
    coordinator = UserFactory()
    mentee = _person_with_everything(programme, coordinator)
    with set_actor(coordinator):
        namesake = MenteeFactory(programme=programme, first_name=NAME[0], last_name="Otherwise")
    record = AccessRecord.objects.create(
        user=coordinator, what="participant_export", programme=programme, filters={"q": NAME[0]}
    )
    erasure.participant_erase(coordinator, person=mentee)
    namesake.refresh_from_db()
    assert namesake.first_name == NAME[0]
    assert LogEntry.objects.get_for_object(namesake).get().object_repr == f"{NAME[0]} Otherwise"
    record.refresh_from_db()
    assert record.filters == {"q": NAME[0]}  # not an export the trail puts them in
