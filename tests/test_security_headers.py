"""Security headers (issue 13, item 3): a Content-Security-Policy without
'unsafe-inline' on every page, participants' text shown as text, and
``Cache-Control: no-store`` on what carries personal data."""

import datetime as dt
import hashlib
import re
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from duos.models import FollowUpRequest, Screening
from tests import factories

XSS = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict_csp(response) -> None:
    assert "Content-Security-Policy" in response, response.request["PATH_INFO"]
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, header
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]


# --- Content-Security-Policy ---------------------------------------------------------------


def test_public_pages_carry_the_policy(client, programme):
    for url in (
        reverse("home"),
        reverse("account_login"),
        reverse("duos:apply", args=[programme.slug, "mentee"]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_csp(response)


def test_signed_in_pages_carry_the_policy(client, world):
    client.force_login(world.coordinator)
    for url in (
        reverse("home"),
        reverse("duos:duo_detail", args=[world.duo.uuid]),
        reverse("duos:mentee_detail", args=[world.mentee.uuid]),
        reverse("duos:mentee_list"),
        reverse("reporting:dashboard", args=[world.programme.uuid]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_csp(response)


def test_not_found_pages_carry_the_policy_too(client, world):
    client.force_login(world.coordinator)
    response = client.get("/duos/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert_strict_csp(response)


def test_templates_hold_no_inline_script_or_style():
    """What the policy forbids must not be in the templates in the first place."""
    root = Path(__file__).resolve().parents[1]
    templates = [
        *root.glob("templates/**/*.html"),
        *root.glob("*/templates/**/*.html"),
    ]
    assert templates
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*application/json)|<style|\sstyle=|\son[a-z]+=|javascript:",
        re.IGNORECASE,
    )
    offenders = [
        f"{path.relative_to(root)}: {match.group(0)!r}"
        for path in templates
        if ".venv" not in path.parts
        for match in inline.finditer(path.read_text())
    ]
    assert offenders == []


# --- participants' text is text -------------------------------------------------------------


def test_a_meeting_note_with_a_script_is_shown_as_text(client, world):
    factories.MeetingFactory(duo=world.duo, logged_by=world.coordinator, note=f"Met at {XSS}")
    client.force_login(world.coordinator)
    body = client.get(reverse("duos:duo_detail", args=[world.duo.uuid])).content.decode()
    assert f"Met at {ESCAPED}" in body
    assert XSS not in body


def test_a_person_s_text_with_a_script_is_shown_as_text(client, world):
    mentee = world.mentee
    mentee.last_name = XSS
    mentee.save(update_fields=["last_name"])
    Screening.objects.create(
        mentee=mentee,
        interviewed_on=timezone.localdate(),
        interviewer=world.coordinator,
        eligible=True,
        notes=f"Motivated {XSS}",
    )
    client.force_login(world.coordinator)
    body = client.get(reverse("duos:mentee_detail", args=[mentee.uuid])).content.decode()
    assert f"Motivated {ESCAPED}" in body
    assert f"<h1>{mentee.first_name} {ESCAPED}</h1>" in body
    assert XSS not in body


# --- no-store -----------------------------------------------------------------------------------


def assert_no_store(response) -> None:
    assert "no-store" in response.get("Cache-Control", ""), response.get("Cache-Control")


def test_a_person_page_is_not_stored(client, world):
    client.force_login(world.coordinator)
    response = client.get(reverse("duos:mentee_detail", args=[world.mentee.uuid]))
    assert response.status_code == 200
    assert_no_store(response)
    assert "private" in response["Cache-Control"]


def test_a_csv_export_is_not_stored(client, world):
    client.force_login(world.coordinator)
    response = client.get(reverse("duos:mentee_list"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert world.mentee.last_name in response.content.decode()
    assert_no_store(response)


def test_every_signed_in_page_is_not_stored(client, world):
    client.force_login(world.funder)
    for url in (reverse("home"), reverse("reporting:dashboard", args=[world.programme.uuid])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_store(response)


def test_the_follow_up_answer_page_is_not_stored(client, db):
    duo = factories.DuoFactory(ended=True)
    token = "a-follow-up-token-for-the-cache-test"
    FollowUpRequest.objects.create(
        duo=duo,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        email=duo.mentee.email,
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    response = client.get(reverse("duos:follow_up_answer", args=[token]))
    assert response.status_code == 200
    assert duo.mentee.first_name in response.content.decode()
    assert_no_store(response)
    assert_strict_csp(response)


def test_the_public_application_form_is_not_stored(client, programme):
    url = reverse("duos:apply", args=[programme.slug, "mentee"])
    assert_no_store(client.get(url))
    # Sent back with errors, it shows what was typed.
    response = client.post(url, {"first_name": "Amina", "email": "not-an-address"})
    assert response.status_code == 400
    assert 'value="Amina"' in response.content.decode()
    assert_no_store(response)


def test_the_anonymous_landing_page_keeps_its_caching(client, db):
    """Only what carries personal data is no-store: not the landing page."""
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_view_s_own_cache_control_is_kept(rf, django_user_model, db):
    from django.http import HttpResponse

    from mentoring.security import NoStoreMiddleware

    def view(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "max-age=0, no-cache"
        return response

    request = rf.get("/")
    request.user = django_user_model.objects.create_user("someone", "someone@duo.invalid")
    assert NoStoreMiddleware(view)(request)["Cache-Control"] == "max-age=0, no-cache"
    assert NoStoreMiddleware(lambda r: HttpResponse("x"))(request)["Cache-Control"] == (
        "private, no-store"
    )
