"""/healthz: JSON for monitoring, no sign-in, no personal data (issue 14 item 6)."""

import json

from django.urls import reverse

from duos.tasks import send_coach_digests
from reporting.services import snapshot_compute
from tests.factories import DuoFactory, MenteeFactory


def test_healthz_answers_anyone_with_json(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["broker"] in ("ok", "eager")
    assert body["newest_snapshot_age_seconds"] is None  # no figures yet
    assert set(body["jobs_last_run"]) >= {"duos.send_coach_digests", "reporting.recompute_all"}
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_healthz_tells_the_snapshot_age_and_the_last_job_runs(client, db):
    duo = DuoFactory(ended=True)
    snapshot_compute(programme=duo.programme)
    send_coach_digests.apply()
    body = json.loads(client.get(reverse("healthz")).content)
    assert 0 <= body["newest_snapshot_age_seconds"] < 60
    assert body["jobs_last_run"]["duos.send_coach_digests"] is not None
    assert body["jobs_last_run"]["duos.send_follow_up_requests"] is None


def test_healthz_holds_no_personal_data(client, db):
    mentee = MenteeFactory(first_name="Zulfiqar", email="zulfiqar@duo.invalid")
    DuoFactory(mentee=mentee, programme=mentee.programme)
    text = client.get(reverse("healthz")).content.decode()
    assert "Zulfiqar" not in text and "zulfiqar@" not in text
