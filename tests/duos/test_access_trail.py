"""Who saw whom (issue 13 item 4): the trail of views and exports of people's
records, who may read it, the change history of every model holding personal
data, and the retention of the trail."""

import datetime as dt

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from duos import access
from duos.models import (
    CheckIn,
    Concern,
    DataImport,
    DuoFeedback,
    FollowUpRequest,
    Mentee,
    PairingExclusion,
    PersonAccess,
    Screening,
    TrainingAttendance,
    TrainingSession,
)
from duos.services import intake, trail
from programmes.models import AccessRecord
from tests.factories import (
    DuoFactory,
    MeetingFactory,
    MenteeFactory,
    ProgrammeFactory,
    UserFactory,
)

WHERE = {"REMOTE_ADDR": "203.0.113.7", "HTTP_USER_AGENT": "Firefox/140 " + "x" * 400}
TRAIL = 'id="h-trail"'
CHANGES = 'id="h-changes"'


def _page(client, user, name, obj, **extra):
    client.force_login(user)
    return client.get(reverse(name, args=[obj.uuid]), **{**WHERE, **extra})


# --- every view leaves one record -----------------------------------------------------


@pytest.mark.parametrize("kind", ["mentee", "mentor"])
def test_a_person_page_leaves_exactly_one_record(client, world, kind):
    person = world.mentee if kind == "mentee" else world.mentor
    # A header the client sends is never believed: the server's REMOTE_ADDR is.
    response = _page(
        client, world.coordinator, f"duos:{kind}_detail", person, HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    assert response.status_code == 200
    record = PersonAccess.objects.get()
    assert record.user == world.coordinator and record.what == "person_page"
    assert getattr(record, kind) == person and record.programme == world.programme
    assert record.ip == "203.0.113.7"
    assert record.user_agent.startswith("Firefox/140") and len(record.user_agent) == 200
    assert record.at <= timezone.now() and record.duo is None


@pytest.mark.parametrize("who", ["coordinator", "coach", "mentor_user"])
def test_a_duo_page_leaves_exactly_one_record_naming_both_people(client, world, who):
    assert _page(client, getattr(world, who), "duos:duo_detail", world.duo).status_code == 200
    record = PersonAccess.objects.get()
    assert record.user == getattr(world, who) and record.what == "duo_page"
    assert (record.mentee, record.mentor, record.duo) == (world.mentee, world.mentor, world.duo)
    assert record.ip == "203.0.113.7" and record.user_agent.startswith("Firefox/140")
    # Found from either person.
    assert list(world.mentee.access_trail.all()) == [record]
    assert list(world.mentor.access_trail.all()) == [record]


def test_a_refused_view_leaves_nothing(client, world):
    assert _page(client, world.outsider, "duos:mentee_detail", world.mentee).status_code == 404
    assert _page(client, world.coach, "duos:mentee_detail", world.mentee).status_code == 403
    assert _page(client, world.outsider, "duos:duo_detail", world.duo).status_code == 404
    assert not PersonAccess.objects.exists()


def test_an_address_that_is_no_ip_is_left_blank(rf, world):
    request = rf.get("/", REMOTE_ADDR="unix:/run/gunicorn.sock")
    assert trail.Where.of(request) == trail.Where(ip=None, user_agent="")


# --- exports ---------------------------------------------------------------------------


def _export(client, user, name, **params):
    client.force_login(user)
    return client.get(reverse(name), {"format": "csv", **params}, **WHERE)


def test_a_small_export_names_its_people(client, world):
    response = _export(client, world.coordinator, "duos:mentee_list")
    assert response.status_code == 200
    record = AccessRecord.objects.get()
    assert record.what == "participant_export" and record.filters["list"] == "mentee_list"
    assert record.ip == "203.0.113.7" and record.user_agent.startswith("Firefox/140")
    exported = PersonAccess.objects.filter(what="participant_export")
    assert (
        exported.count() == record.rows == Mentee.objects.filter(programme=world.programme).count()
    )
    assert {row.mentee for row in exported} == set(Mentee.objects.filter(programme=world.programme))
    assert all(row.export == record and row.user == world.coordinator for row in exported)
    assert all(row.ip == "203.0.113.7" for row in exported)


def test_a_duo_export_names_both_people_of_each_duo(client, world):
    assert _export(client, world.coordinator, "duos:duo_list").status_code == 200
    record = AccessRecord.objects.get()
    rows = PersonAccess.objects.filter(export=record)
    assert rows.count() == record.rows == 2  # the coordinator's programme only
    assert {(r.duo, r.mentee, r.mentor) for r in rows} == {
        (d, d.mentee, d.mentor) for d in (world.duo, world.other_duo)
    }


def test_a_big_export_keeps_its_filters_only(client, world, monkeypatch):
    monkeypatch.setattr(trail, "EXPORT_NAMES_LIMIT", 1)
    programme = str(world.programme.uuid)
    assert _export(client, world.coordinator, "duos:mentee_list", programme=programme).status_code
    record = AccessRecord.objects.get()
    assert record.rows == 2 and record.filters["programme"] == programme
    assert record.ip == "203.0.113.7"
    assert not PersonAccess.objects.exists()


def test_the_subject_access_export_hook(world):
    row = trail.subject_access_exported(
        world.coordinator, person=world.mentor, where=trail.Where(ip="::1", user_agent="curl")
    )
    assert row.what == "subject_access_export" and row.mentor == world.mentor
    assert row.programme == world.programme and row.ip == "::1"


# --- who reads the trail ------------------------------------------------------------------


def test_the_coordinator_sees_who_saw_the_person_and_the_change_history(client, world):
    with set_actor(world.coordinator):
        world.mentor.profession = "Chef"
        world.mentor.save()
    _page(client, world.coach, "duos:duo_detail", world.duo)
    page = _page(client, world.coordinator, "duos:mentor_detail", world.mentor).content.decode()
    assert TRAIL in page and CHANGES in page
    trail_part = page[page.index(TRAIL) : page.index(CHANGES)]
    assert world.coach.email in trail_part or world.coach.get_full_name() in trail_part
    assert "203.0.113.7" in trail_part and "Duo page" in trail_part and "Person page" in trail_part
    history = page[page.index(CHANGES) :]
    assert (
        "mentor: update — profession" in history.lower() and "Chef" not in history
    )  # which field, never its value
    assert world.coordinator.get_full_name() in history


@pytest.mark.parametrize("who", ["coach", "mentor_user", "funder", "evaluator", "outsider"])
def test_nobody_else_ever_sees_the_trail(client, world, who):
    user = getattr(world, who)
    for kind, person in (("mentee", world.mentee), ("mentor", world.mentor)):
        response = _page(client, user, f"duos:{kind}_detail", person)
        assert response.status_code in (403, 404)
        assert TRAIL not in response.content.decode() and CHANGES not in response.content.decode()
    duo_page = _page(client, user, "duos:duo_detail", world.duo).content.decode()
    assert TRAIL not in duo_page and CHANGES not in duo_page
    assert not access.sees_trail(user, world.mentee)
    assert not access.sees_trail(user, world.mentor)


def test_only_coordinators_of_the_persons_programme_read_the_trail(world):
    assert access.sees_trail(world.coordinator, world.mentee)
    foreign = world.foreign_duo.mentee
    assert not access.sees_trail(world.coordinator, foreign)
    assert access.sees_trail(world.outsider, foreign)


def test_the_trail_section_shows_the_latest_fifty(client, world):
    PersonAccess.objects.bulk_create(
        PersonAccess(
            user=world.coach, what="person_page", programme=world.programme, mentee=world.mentee
        )
        for _ in range(60)
    )
    page = _page(client, world.coordinator, "duos:mentee_detail", world.mentee).content.decode()
    trail_part = page[page.index(TRAIL) : page.index(CHANGES)]
    assert trail_part.count("<tr><td>") == 50


def test_a_merge_keeps_the_duplicates_trail(client, world):
    keep = MenteeFactory(programme=world.programme)
    duplicate = MenteeFactory(programme=world.programme)
    _page(client, world.coordinator, "duos:mentee_detail", duplicate)
    intake.participant_merge(world.coordinator, keep=keep, duplicate=duplicate)
    assert keep.access_trail.count() == 1


def test_an_erased_person_leaves_no_trace_in_the_trail(client, world):
    mentee = MenteeFactory(programme=world.programme)
    _page(client, world.coordinator, "duos:mentee_detail", mentee)
    row = PersonAccess.objects.get()
    mentee.delete()
    row.refresh_from_db()
    assert row.mentee is None and row.mentor is None and row.user == world.coordinator


# --- the change history of every model holding personal data -------------------------------


def _newly_audited(world):
    duo = world.duo
    session = TrainingSession.objects.create(
        programme=world.programme, title="Welcome", date=dt.date(2026, 1, 10)
    )
    return [
        (
            DuoFeedback.objects.create(duo=duo, respondent="mentee", satisfaction=4, comment="ok"),
            {"satisfaction": 5},
            ["comment"],
        ),
        (Concern.objects.create(duo=duo, text="Worried"), {"urgent": True}, ["text"]),
        (
            CheckIn.objects.create(duo=duo, kind="mid_term", on=dt.date(2026, 2, 1), note="n"),
            {"risk": "high"},
            ["note"],
        ),
        (
            FollowUpRequest.objects.create(
                duo=duo, token_hash="a" * 64, email="m@duo.invalid", expires_at=timezone.now()
            ),
            {"answer": "employed"},
            ["token_hash"],
        ),
        (
            Screening.objects.create(
                mentee=world.mentee, interviewed_on=dt.date(2026, 1, 5), eligible=True, notes="n"
            ),
            {"eligible": False, "override_reason": "Strong motivation"},
            ["notes"],
        ),
        (
            TrainingAttendance.objects.create(session=session, mentor=world.mentor),
            {"attended": False},
            [],
        ),
        (
            PairingExclusion.objects.create(mentee=world.mentee, mentor=world.mentor, reason="r"),
            {"reason": "other", "created_by": world.coordinator},
            ["reason"],
        ),
        (
            DataImport.objects.create(
                programme=world.programme, kind="participants", filename="p.csv", content=b"x"
            ),
            {"applied_at": timezone.now(), "content": b"y"},
            ["content"],
        ),
        (UserFactory(), {"is_active": False, "password": "changed"}, ["password", "last_login"]),
    ]


def test_every_model_holding_personal_data_keeps_a_change_history(world):
    actor = UserFactory()
    with set_actor(actor):
        cases = _newly_audited(world)
        for obj, changes, _secret in cases:
            for field, value in changes.items():
                setattr(obj, field, value)
            obj.save()
    for obj, _changes, secret in cases:
        entries = LogEntry.objects.get_for_object(obj)
        assert entries.filter(action=LogEntry.Action.CREATE).exists(), type(obj).__name__
        update = entries.filter(action=LogEntry.Action.UPDATE).get()
        assert update.actor == actor
        assert not set(secret) & set(update.changes_dict), type(obj).__name__
        create = entries.get(action=LogEntry.Action.CREATE)
        assert not set(secret) & set(create.changes_dict), type(obj).__name__


def test_contact_fields_stay_masked_in_new_histories(world):
    with set_actor(world.coordinator):
        request = FollowUpRequest.objects.create(
            duo=world.duo,
            token_hash="b" * 64,
            email="mentee@duo.invalid",
            expires_at=timezone.now(),
        )
    entry = LogEntry.objects.get_for_object(request).get()
    assert "mentee@duo.invalid" not in str(entry.changes)


def test_signing_in_adds_no_history(client, world):
    before = LogEntry.objects.count()
    assert client.login(username=world.coach.username, password="duo-test-password")
    assert LogEntry.objects.count() == before


# --- retention -------------------------------------------------------------------------------


def _aged(row, *, days):
    type(row).objects.filter(pk=row.pk).update(at=timezone.now() - dt.timedelta(days=days))
    return row


def test_the_retention_job_deletes_only_entries_past_their_programmes_retention(world):
    short = ProgrammeFactory(retention_years=1)
    long_kept = world.programme  # 5 years by default
    mentee = MenteeFactory(programme=short)
    where = trail.Where(ip="192.0.2.1")
    old = _aged(trail.person_viewed(None, person=mentee, where=where), days=400)
    recent = _aged(trail.person_viewed(None, person=mentee, where=where), days=300)
    kept = _aged(trail.person_viewed(None, person=world.mentee, where=where), days=400)
    expired = _aged(trail.person_viewed(None, person=world.mentee, where=where), days=6 * 366)

    def export(programme, days):
        record = AccessRecord.objects.create(what="participant_export", programme=programme)
        return _aged(record, days=days)

    old_export, recent_export = export(short, 400), export(short, 300)
    across_old, across_recent = export(None, 6 * 366), export(None, 400)

    deleted = trail.trail_prune()

    assert deleted == {"person_access": 2, "access_records": 2}
    assert set(PersonAccess.objects.all()) == {recent, kept}
    assert set(AccessRecord.objects.all()) == {recent_export, across_recent}
    assert {old, expired, old_export, across_old}.isdisjoint(
        {*PersonAccess.objects.all(), *AccessRecord.objects.all()}
    )
    assert long_kept.retention_years == 5


def test_the_retention_job_runs_every_night(world):
    from duos.tasks import prune_access_trail

    schedule = settings.CELERY_BEAT_SCHEDULE.values()
    assert [e["task"] for e in schedule].count(prune_access_trail.name) == 1
    assert prune_access_trail.delay().get() == {"person_access": 0, "access_records": 0}


# --- cost -----------------------------------------------------------------------------------------


def test_the_person_page_costs_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.coordinator)
    url = reverse("duos:mentor_detail", args=[world.mentor.uuid])
    client.get(url)  # warm the content-type and session caches
    with django_assert_max_num_queries(40) as captured:
        assert client.get(url).status_code == 200
    few = len(captured.captured_queries)
    inserts = [q for q in captured.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1  # the trail: one INSERT per view
    # More duos, meetings, screenings, views and changes: not one query more.
    for n in range(3):
        duo = DuoFactory(programme=world.programme, mentor=world.mentor, ended=True)
        MeetingFactory(duo=duo)
        with set_actor(world.coordinator):
            Screening.objects.create(
                mentor=world.mentor,
                interviewed_on=dt.date(2026, 1, 5),
                eligible=True,
                interviewer=world.coordinator,
            )
            world.mentor.profession = f"Job {n}"
            world.mentor.save()
        client.get(url)
    with django_assert_max_num_queries(few):
        assert client.get(url).status_code == 200
