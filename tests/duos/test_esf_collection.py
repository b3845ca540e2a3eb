"""Collecting what the ESF+ indicators need: the employment status at entry
(asked with nothing preselected, recorded once, never overwritten) and whether
a qualification was gained upon leaving (Yes / No / Not known, nothing
preselected) on the exit outcome and when closing a duo."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from duos.models import Mentee, Outcome, PipelineStatus
from duos.services import outcome_record
from tests.factories import DuoFactory, MenteeFactory, OutcomeFactory


def _select(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no question {name}"
    return match.group(1)


def _nothing_selected(select_html: str) -> bool:
    selected = re.findall(r'<option value="([^"]*)"[^>]*selected', select_html)
    return selected in ([], [""])


# --- employment status at entry ---------------------------------------------------------


def _application(**extra):
    data = {
        "first_name": "Awa",
        "last_name": "Diallo",
        "email": "awa@duo.invalid",
        "birth_date": "2001-02-03",
        "gender": "female",
        "postcode": "1080",
        "municipality": "Molenbeek",
        "languages": ["fr"],
        "education_level": "isced_3_4",
        "contact_language": "fr",
        "consent": "on",
    }
    return data | extra


def test_public_application_asks_the_situation_with_nothing_preselected(client, programme):
    url = reverse("duos:apply", args=[programme.slug, "mentee"])
    html = client.get(url).content.decode()
    assert _nothing_selected(_select(html, "employment_status_at_entry"))

    client.post(url, _application(employment_status_at_entry="long_term_unemployed"))
    mentee = Mentee.objects.get(email="awa@duo.invalid")
    assert mentee.employment_status_at_entry == "long_term_unemployed"


def test_public_application_without_an_answer_records_nothing(client, programme):
    client.post(reverse("duos:apply", args=[programme.slug, "mentee"]), _application())
    assert Mentee.objects.get(email="awa@duo.invalid").employment_status_at_entry == ""


@pytest.fixture
def coordinator(client, world):
    client.force_login(world.coordinator)
    return client


def _screen_url(mentee):
    return reverse("duos:mentee_screen", args=[mentee.uuid])


def test_screening_asks_the_status_while_it_is_not_recorded(coordinator, world):
    mentee = MenteeFactory(programme=world.programme, status=PipelineStatus.APPLIED)
    html = coordinator.get(_screen_url(mentee)).content.decode()
    assert _nothing_selected(_select(html, "employment_status_at_entry"))
    # required: the interview cannot be saved without it
    response = coordinator.post(
        _screen_url(mentee), {"interviewed_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 400
    response = coordinator.post(
        _screen_url(mentee),
        {
            "interviewed_on": timezone.localdate().isoformat(),
            "employment_status_at_entry": "inactive",
            "override_reason": "test",
        },
    )
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert mentee.employment_status_at_entry == "inactive"


def test_screening_shows_a_recorded_status_and_never_overwrites_it(coordinator, world):
    mentee = MenteeFactory(
        programme=world.programme,
        status=PipelineStatus.APPLIED,
        employment_status_at_entry="unemployed",
    )
    html = coordinator.get(_screen_url(mentee)).content.decode()
    assert 'name="employment_status_at_entry"' not in html
    assert "Employment status at entry: Unemployed (already recorded" in html
    response = coordinator.post(
        _screen_url(mentee),
        {
            "interviewed_on": timezone.localdate().isoformat(),
            "employment_status_at_entry": "employed",  # a forged answer changes nothing
            "override_reason": "test",
        },
    )
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert mentee.employment_status_at_entry == "unemployed"


# --- qualification gained upon leaving -----------------------------------------------------


@pytest.fixture
def ended(world):
    return DuoFactory(
        programme=world.programme,
        mentor=world.mentor,
        ended=True,
        started_on=dt.date(2025, 3, 3),
        ended_on=dt.date(2025, 9, 1),
    )


def _outcome_url(duo, point="exit"):
    return reverse("duos:outcome_edit", args=[duo.uuid, point])


def _outcome_post(**extra):
    return {"status": "training", "source": "coordinator", "date": "", "note": ""} | extra


def test_exit_outcome_asks_the_qualification_with_nothing_preselected(coordinator, ended):
    html = coordinator.get(_outcome_url(ended)).content.decode()
    select = _select(html, "qualification_gained")
    assert _nothing_selected(select)
    for label in ("Yes", "No", "Not known"):
        assert f">{label}</option>" in select
    # the follow-up point does not ask it
    html = coordinator.get(_outcome_url(ended, "follow_up")).content.decode()
    assert 'name="qualification_gained"' not in html


@pytest.mark.parametrize(("answer", "stored"), [("yes", True), ("no", False), ("not_known", None)])
def test_exit_outcome_records_the_answer(coordinator, ended, answer, stored):
    response = coordinator.post(_outcome_url(ended), _outcome_post(qualification_gained=answer))
    assert response.status_code == 302
    assert Outcome.objects.get(duo=ended, point="exit").qualification_gained is stored


def test_correction_shows_and_keeps_the_recorded_answer(coordinator, ended):
    OutcomeFactory(
        duo=ended, point="exit", status="training", contract_type="", qualification_gained=True
    )
    html = coordinator.get(_outcome_url(ended)).content.decode()
    assert re.search(r'<option value="yes"[^>]*selected', _select(html, "qualification_gained"))
    coordinator.post(_outcome_url(ended), _outcome_post(note="corrected", qualification_gained=""))
    outcome = Outcome.objects.get(duo=ended, point="exit")
    assert outcome.note == "corrected" and outcome.qualification_gained is True


def test_a_write_without_the_answer_never_erases_it(world, ended):
    OutcomeFactory(
        duo=ended, point="exit", status="training", contract_type="", qualification_gained=False
    )
    outcome_record(world.coordinator, duo=ended, point="exit", status="studies", source="mentee")
    outcome = Outcome.objects.get(duo=ended, point="exit")
    assert outcome.status == "studies" and outcome.qualification_gained is False


def test_closing_a_duo_asks_and_records_the_qualification(coordinator, world):
    url = reverse("duos:duo_close", args=[world.duo.uuid])
    assert _nothing_selected(_select(coordinator.get(url).content.decode(), "qualification_gained"))
    response = coordinator.post(
        url,
        {
            "ended_on": timezone.localdate().isoformat(),
            "end_reason": "completed",
            "exit_status": "training",
            "qualification_gained": "yes",
        },
    )
    assert response.status_code == 302
    assert Outcome.objects.get(duo=world.duo, point="exit").qualification_gained is True
