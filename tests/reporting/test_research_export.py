"""The evaluator's pseudonymised export: access, content, stability, privacy."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from duos.models import CheckIn, Concern, Meeting, Mentee, Mentor, Outcome
from programmes.models import AccessRecord, Programme
from reporting.research_export import HEADER, research_rows
from tests.factories import DuoFactory, MeetingFactory, OutcomeFactory


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("evaluator", 200),
        ("coordinator", 200),
        ("funder", 403),
        ("coach", 403),
        ("mentor_user", 403),
        ("outsider", 404),
    ],
)
def test_access(client, world, who, status):
    client.force_login(getattr(world, who))
    response = client.get(reverse("reporting:research_export", args=[world.programme.uuid]))
    assert response.status_code == status


def test_evaluator_of_another_programme_gets_404(client, world):
    client.force_login(world.evaluator)
    url = reverse("reporting:research_export", args=[world.other_programme.uuid])
    assert client.get(url).status_code == 404


def test_anonymous_goes_to_sign_in(client, world):
    response = client.get(reverse("reporting:research_export", args=[world.programme.uuid]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_content_months_bands_and_a_logged_download(client, world):
    ended = DuoFactory(programme=world.programme, ended=True)
    OutcomeFactory(
        duo=ended, point="exit", status="employed", contract_type="permanent", date=ended.ended_on
    )
    MeetingFactory(duo=world.duo)
    client.force_login(world.evaluator)
    rows = _csv(
        client.get(
            reverse("reporting:research_export", args=[world.programme.uuid]), {"format": "csv"}
        )
    )
    assert rows[0] == HEADER
    by_status = {r[HEADER.index("status")]: r for r in rows[1:]}
    by_id = {r[0]: r for r in rows[1:]}
    row = by_status["ended"]
    assert re.fullmatch(r"[0-9a-f]{16}", row[0])
    assert re.fullmatch(r"\d{4}-\d{2}", row[HEADER.index("started_month")])
    assert (
        row[HEADER.index("exit_status")] == "employed"
        and row[HEADER.index("exit_contract")] == "permanent"
    )
    assert row[HEADER.index("province")] == "brussels"  # 1080 in the factories
    assert row[HEADER.index("age_band_at_entry")] in {"under_25", "25_54", "over_54"}
    from reporting.research_export import research_id

    mine = by_id[research_id("mentee", world.programme.pk, world.duo.mentee_id)]
    assert mine[HEADER.index("meetings")] == "1"
    record = AccessRecord.objects.get()
    assert (
        record.what == "research_export"
        and record.user == world.evaluator
        and record.rows == len(rows) - 1
    )


def test_research_ids_are_stable_and_depend_on_the_key(world, settings):
    first = research_rows(programme=world.programme)["rows"]
    assert research_rows(programme=world.programme)["rows"] == first
    settings.RESEARCH_ID_KEY = "another-key"
    other = research_rows(programme=world.programme)["rows"]
    assert {r[0] for r in other}.isdisjoint({r[0] for r in first})


def test_queries_do_not_grow(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(5) as captured:
        research_rows(programme=world.programme)
    few = len(captured.captured_queries)
    for _ in range(30):
        MeetingFactory(duo=DuoFactory(programme=world.programme, ended=True))
    with django_assert_max_num_queries(few):
        research_rows(programme=world.programme)


def test_no_personal_value_in_the_export_of_the_demo(db):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    cells = set()
    for programme in Programme.objects.all():
        for row in research_rows(programme=programme)["rows"]:
            cells.update(str(value) for value in row)
    personal = set()
    for model in (Mentee, Mentor):
        for person in model.objects.all():
            values = [
                person.first_name,
                person.last_name,
                f"{person.first_name} {person.last_name}",
                person.email,
                person.phone,
                "".join(c for c in person.phone if c.isdigit()),
                person.ref,
                person.municipality,
                person.postcode,
                getattr(person, "jobseeker_ref", ""),
            ]
            personal.update(v for v in values if v)
    for model, field in (
        (Meeting, "note"),
        (Outcome, "note"),
        (Concern, "text"),
        (CheckIn, "note"),
    ):
        personal.update(v for v in model.objects.values_list(field, flat=True) if v)
    assert cells.isdisjoint(personal)
    assert not any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell) for cell in cells)
    emails = {e for e in personal if "@" in e}
    assert not any(email in cell for cell in cells for email in emails)
    assert cells.isdisjoint({e.split("@")[0] for e in emails})
