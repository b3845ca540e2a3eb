"""A person's rights (issue 14 items 1–2): subject access (JSON and page,
logged in the trail, coordinators of the person's programme only) and the
withdrawal of consent (special-category data only, or all: erasure), with a
confirmation step."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from duos.models import CheckIn, Concern, DuoFeedback, Mentee, PersonAccess, Screening
from duos.services import consent, erasure
from tests.factories import MeetingFactory, OutcomeFactory

WHERE = {"REMOTE_ADDR": "203.0.113.7"}


def _url(name, person):
    kind = "mentee" if isinstance(person, Mentee) else "mentor"
    return reverse(f"duos:{kind}_{name}", args=[person.uuid])


def _rich(world):
    duo = world.duo
    mentee = duo.mentee
    Mentee.objects.filter(pk=mentee.pk).update(
        motivation="Wants a warehouse job",
        migration_background=True,
        special_consent_at=timezone.now(),
    )
    Screening.objects.create(
        mentee=mentee,
        interviewed_on=duo.started_on,
        notes="Speaks three languages",
        eligible=True,
        checks=[
            {"rule": "age", "ok": True, "message": "Age: 24."},
            {"rule": "migration_background", "ok": True, "message": "Migration background: yes."},
        ],
        interviewer=world.coordinator,
    )
    MeetingFactory(duo=duo, note="Worked on the CV")
    OutcomeFactory(duo=duo, point="exit", date=duo.started_on, note="Signed on Monday")
    DuoFeedback.objects.create(duo=duo, respondent="mentee", satisfaction=4, comment="Very kind")
    Concern.objects.create(duo=duo, text="Missed two meetings")
    CheckIn.objects.create(duo=duo, kind="mid_term", on=duo.started_on, note="Going well")
    mentee.refresh_from_db()
    return mentee


# --- subject access -------------------------------------------------------------------


def test_subject_access_json_holds_everything_and_is_logged(client, world):
    mentee = _rich(world)
    client.force_login(world.coordinator)
    client.get(_url("detail", mentee), **WHERE)  # a view, to see in the trail
    response = client.get(_url("data_json", mentee), **WHERE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == mentee.email
    assert data["profile"]["motivation"] == "Wants a warehouse job"
    assert data["profile"]["migration_background"] is True
    assert [s["notes"] for s in data["screenings"]] == ["Speaks three languages"]
    assert [d["uuid"] for d in data["duos"]] == [str(world.duo.uuid)]
    assert data["duos"][0]["mentor"] == world.mentor.first_name
    assert [m["note"] for m in data["meetings"]] == ["Worked on the CV"]
    assert [o["note"] for o in data["outcomes"]] == ["Signed on Monday"]
    assert [f["comment"] for f in data["feedback"]] == ["Very kind"]
    assert [c["text"] for c in data["concerns"]] == ["Missed two meetings"]
    assert [c["note"] for c in data["check_ins"]] == ["Going well"]
    assert [a["what"] for a in data["access_trail"]] == ["Subject-access export", "Person page"]
    assert world.mentor.last_name not in response.content.decode()
    logged = PersonAccess.objects.filter(mentee=mentee, what="subject_access_export")
    assert logged.count() == 1 and logged.get().user == world.coordinator
    assert logged.get().ip == "203.0.113.7"


@pytest.mark.parametrize("kind", ["mentee", "mentor"])
def test_subject_access_page_is_readable_and_logged(client, world, kind):
    person = _rich(world) if kind == "mentee" else world.mentor
    client.force_login(world.coordinator)
    response = client.get(_url("data", person))
    assert response.status_code == 200
    page = response.content.decode()
    assert person.email in page and 'id="h-access_trail"' in page
    if kind == "mentee":
        assert "Worked on the CV" in page and "Signed on Monday" in page
    assert PersonAccess.objects.filter(what="subject_access_export").count() == 1


@pytest.mark.parametrize("name", ["data", "data_json", "consent"])
def test_rights_are_for_the_coordinators_of_the_programme_only(client, world, name):
    mentee = world.mentee
    for user, status in [
        (world.coach, 403),
        (world.mentor_user, 403),
        (world.funder, 403),
        (world.evaluator, 403),
        (world.outsider, 404),
    ]:
        client.force_login(user)
        assert client.get(_url(name, mentee)).status_code == status, user
    client.logout()
    assert client.get(_url(name, mentee)).status_code == 302
    assert not PersonAccess.objects.filter(what="subject_access_export").exists()


def test_person_page_links_to_the_rights_and_shows_special_category(client, world):
    mentee = _rich(world)
    client.force_login(world.coordinator)
    page = client.get(_url("detail", mentee)).content.decode()
    assert _url("data", mentee) in page and _url("consent", mentee) in page
    assert "Migration background" in page and "Disability" in page


# --- consent withdrawal ---------------------------------------------------------------


def test_special_consent_withdrawal_asks_to_confirm_then_erases_those_fields(client, world):
    mentee = _rich(world)
    client.force_login(world.coordinator)
    response = client.post(_url("consent", mentee), {"scope": "special"})
    assert response.status_code == 200 and 'name="confirmed"' in response.content.decode()
    mentee.refresh_from_db()
    assert mentee.migration_background is True  # not yet: asked to confirm
    response = client.post(_url("consent", mentee), {"scope": "special", "confirmed": "1"})
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert mentee.migration_background is None and mentee.special_consent_at is None
    assert mentee.disability is None
    assert mentee.motivation == "Wants a warehouse job" and mentee.email  # the rest stays
    assert [c["rule"] for c in mentee.screenings.get().checks] == ["age"]
    page = client.get(_url("detail", mentee)).content.decode()
    assert "Migration background" not in page


def test_special_consent_withdrawal_is_audited(world):
    from auditlog.models import LogEntry

    mentee = _rich(world)
    consent.special_consent_withdraw(world.coordinator, person=mentee)
    entry = LogEntry.objects.get_for_object(mentee).first()
    assert entry.actor == world.coordinator and "special_consent_at" in entry.changes


def test_whole_consent_withdrawal_erases_the_person(client, world):
    mentee = _rich(world)
    world.duo.status, world.duo.ended_on, world.duo.end_reason = "ended", dt.date.today(), "other"
    world.duo.save()
    client.force_login(world.coordinator)
    response = client.post(_url("consent", mentee), {"scope": "all", "confirmed": "1"})
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert erasure.is_erased(mentee) and mentee.status == "withdrawn"


def test_whole_consent_withdrawal_waits_for_the_active_duo_to_end(client, world):
    mentee = _rich(world)
    client.force_login(world.coordinator)
    client.post(_url("consent", mentee), {"scope": "all", "confirmed": "1"})
    mentee.refresh_from_db()
    assert not erasure.is_erased(mentee)


def test_a_mentor_has_no_special_category_consent_to_withdraw(client, world):
    client.force_login(world.coordinator)
    response = client.post(_url("consent", world.mentor), {"scope": "special"})
    assert response.status_code == 400


def test_no_export_holds_special_category_data():
    from duos.selectors import participant_table
    from reporting.research_export import HEADER

    special = {"migration_background", "disability", "special_consent_at"}
    for kind in ("mentee", "mentor"):
        assert not special & set(participant_table(Mentee.objects.none(), kind=kind)["header"])
    assert not special & set(HEADER)
