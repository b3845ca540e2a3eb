"""The coordinator records or corrects a duo's outcome at exit or at follow-up,
and sees the outcome's change history (duos/views_outcomes.py)."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from duos.models import Outcome
from duos.services import follow_up_date
from tests.factories import DuoFactory, OutcomeFactory


@pytest.fixture
def ended(world):
    return DuoFactory(
        programme=world.programme,
        mentor=world.mentor,
        coach=world.coach,
        ended=True,
        started_on=dt.date(2025, 3, 3),
        ended_on=dt.date(2025, 9, 1),
    )


def url(duo, point="exit"):
    return reverse("duos:outcome_edit", args=[duo.uuid, point])


@pytest.fixture
def coordinator_client(client, world):
    client.force_login(world.coordinator)
    return client


def test_form_is_prefilled_with_the_default_dates(coordinator_client, ended):
    exit_page = coordinator_client.get(url(ended, "exit"))
    assert exit_page.status_code == 200
    form = exit_page.context["form"]
    # The date only: no situation and no source is recorded for the user.
    assert form.initial == {"date": dt.date(2025, 9, 1)}
    body = exit_page.content.decode()
    assert "Record the outcome" in body
    assert '<option value="" selected>' in body and "selected>Employed" not in body

    follow_up_page = coordinator_client.get(url(ended, "follow_up"))
    assert follow_up_page.context["form"].initial["date"] == follow_up_date(ended)
    assert follow_up_date(ended) == dt.date(2026, 3, 1)


def test_record_an_exit_outcome(coordinator_client, world, ended):
    response = coordinator_client.post(
        url(ended),
        {
            "status": "employed",
            "contract_type": "permanent",
            "date": "",
            "source": "employment_service",
            "note": "  Warehouse job  ",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("duos:duo_detail", args=[ended.uuid])
    outcome = Outcome.objects.get(duo=ended)
    assert outcome.point == "exit" and outcome.status == "employed"
    assert outcome.contract_type == "permanent" and outcome.source == "employment_service"
    assert outcome.date == ended.ended_on  # blank: the default
    assert outcome.note == "Warehouse job" and outcome.recorded_by == world.coordinator


def test_record_a_follow_up_outcome_with_its_date(coordinator_client, ended):
    response = coordinator_client.post(
        url(ended, "follow_up"),
        {"status": "training", "contract_type": "", "date": "2026-03-15", "source": "mentee"},
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get(duo=ended, point="follow_up")
    assert (outcome.status, outcome.date, outcome.source) == (
        "training",
        dt.date(2026, 3, 15),
        "mentee",
    )


def test_a_correction_edits_the_same_row_and_the_history_shows_it(coordinator_client, world, ended):
    world.coordinator.first_name, world.coordinator.last_name = "Sara", "Janssens"
    world.coordinator.save()
    data = {"status": "still_searching", "contract_type": "", "source": "coordinator"}
    coordinator_client.post(url(ended), {**data, "date": "2025-09-01"})
    first = Outcome.objects.get(duo=ended)

    page = coordinator_client.get(url(ended))
    assert page.context["form"].initial["status"] == "still_searching"  # prefilled
    assert "Correct the outcome" in page.content.decode()

    corrected = coordinator_client.post(
        url(ended),
        {**data, "status": "employed", "contract_type": "fixed_term", "date": "2025-09-01"},
    )
    assert corrected.status_code == 302
    outcome = Outcome.objects.get(duo=ended)
    assert outcome.pk == first.pk and outcome.status == "employed"
    assert outcome.contract_type == "fixed_term"

    entries = LogEntry.objects.get_for_object(outcome)
    assert entries.count() == 2
    assert {entry.actor for entry in entries} == {world.coordinator}

    body = coordinator_client.get(url(ended)).content.decode()
    assert "History of this outcome" in body
    assert "Sara Janssens" in body
    assert "corrected" in body and "recorded" in body
    assert "Status: Still searching → Employed" in body
    assert "Contract: — → Fixed term" in body
    history = coordinator_client.get(url(ended)).context["history"]
    assert [entry.action for entry in history] == ["corrected", "recorded"]  # newest first


def test_saving_the_same_values_changes_nothing(coordinator_client, ended):
    OutcomeFactory(duo=ended, status="training", contract_type="", source="coordinator")
    before = LogEntry.objects.count()
    response = coordinator_client.post(
        url(ended),
        {"status": "training", "contract_type": "", "date": "", "source": "coordinator"},
        follow=True,
    )
    assert "Nothing changed." in response.content.decode()
    assert LogEntry.objects.count() == before


def test_the_mentee_s_answer_shows_in_the_history_without_an_actor(coordinator_client, ended):
    from duos.services import outcome_record

    outcome_record(None, duo=ended, point="follow_up", status="employed", source="mentee")
    body = coordinator_client.get(url(ended, "follow_up")).content.decode()
    assert "nobody signed in" in body and "Mentee" in body


def test_a_contract_without_employed_is_a_field_error(coordinator_client, ended):
    response = coordinator_client.post(
        url(ended),
        {"status": "training", "contract_type": "permanent", "date": "", "source": "coordinator"},
    )
    assert response.status_code == 400
    assert "contract_type" in response.context["form"].errors
    assert "goes only with the status" in response.content.decode()
    assert not Outcome.objects.filter(duo=ended).exists()


def test_a_date_before_the_start_is_a_field_error_from_the_service(coordinator_client, ended):
    response = coordinator_client.post(
        url(ended),
        {"status": "training", "contract_type": "", "date": "2024-01-01", "source": "mentee"},
    )
    assert response.status_code == 400
    assert "date" in response.context["form"].errors
    assert not Outcome.objects.filter(duo=ended).exists()


def test_unknown_codes_are_field_errors(coordinator_client, ended):
    response = coordinator_client.post(
        url(ended), {"status": "flying", "date": "", "source": "rumour"}
    )
    assert response.status_code == 400
    assert {"status", "source"} <= set(response.context["form"].errors)


def test_an_active_duo_has_no_outcome_yet(coordinator_client, world):
    response = coordinator_client.get(url(world.duo), follow=True)
    assert response.redirect_chain[-1][0] == reverse("duos:duo_detail", args=[world.duo.uuid])
    assert "once the duo has ended" in response.content.decode()
    response = coordinator_client.post(url(world.duo), {"status": "employed", "source": "mentee"})
    assert response.status_code == 302 and not Outcome.objects.exists()


def test_an_unknown_point_is_404(coordinator_client, ended):
    assert coordinator_client.get(url(ended, "halfway")).status_code == 404


def test_duo_page_links_to_both_points_for_coordinators_only(client, world, ended):
    client.force_login(world.coordinator)
    body = client.get(reverse("duos:duo_detail", args=[ended.uuid])).content.decode()
    assert url(ended, "exit") in body and url(ended, "follow_up") in body
    assert "Record / correct the exit outcome" in body
    active = client.get(reverse("duos:duo_detail", args=[world.duo.uuid])).content.decode()
    assert url(world.duo, "exit") not in active

    client.force_login(world.coach)
    body = client.get(reverse("duos:duo_detail", args=[ended.uuid])).content.decode()
    assert url(ended, "exit") not in body


# --- who may ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status",
    [
        ("coordinator", 200),
        ("coach", 403),
        ("mentor_user", 403),
        ("funder", 403),
        ("evaluator", 403),
        ("outsider", 404),
    ],
)
def test_only_the_programme_s_coordinators(client, world, ended, who, status):
    client.force_login(getattr(world, who))
    assert client.get(url(ended)).status_code == status
    response = client.post(url(ended), {"status": "employed", "date": "", "source": "mentee"})
    assert response.status_code == (302 if status == 200 else status)
    assert Outcome.objects.filter(duo=ended).exists() == (status == 200)


def test_another_programme_s_coordinator_gets_404_for_its_duo(client, world):
    foreign = DuoFactory(programme=world.other_programme, ended=True)
    client.force_login(world.coordinator)
    assert client.get(url(foreign)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, ended):
    for response in (client.get(url(ended)), client.post(url(ended), {"status": "employed"})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert not Outcome.objects.exists()
