"""The admin shows duos, meetings and outcomes read-only: their writes go through services."""

import pytest

from tests.factories import MeetingFactory, OutcomeFactory, UserFactory


@pytest.fixture
def admin_client(client, db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


@pytest.mark.parametrize("model", ["duo", "meeting", "outcome"])
def test_duo_meeting_outcome_lists_open_but_cannot_add(admin_client, model):
    OutcomeFactory()
    MeetingFactory()
    assert admin_client.get(f"/admin/duos/{model}/").status_code == 200
    assert admin_client.get(f"/admin/duos/{model}/add/").status_code == 403


def test_duo_change_page_is_read_only(admin_client):
    outcome = OutcomeFactory()
    url = f"/admin/duos/duo/{outcome.duo.pk}/change/"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    response = admin_client.post(url, {"status": "active"})
    assert response.status_code == 403
    outcome.duo.refresh_from_db()
    assert outcome.duo.status == "ended"


@pytest.mark.parametrize("model", ["mentee", "mentor"])
def test_participants_are_searchable(admin_client, model):
    response = admin_client.get(f"/admin/duos/{model}/", {"q": "nobody-matches-this"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "programmes/programme",
        "programmes/organisation",
        "programmes/funding",
        "programmes/membership",
    ],
)
def test_programme_admin_pages_open(admin_client, path):
    assert admin_client.get(f"/admin/{path}/").status_code == 200
    assert admin_client.get(f"/admin/{path}/add/").status_code == 200


def test_non_staff_is_sent_to_login(client, db):
    client.force_login(UserFactory())
    response = client.get("/admin/duos/duo/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
