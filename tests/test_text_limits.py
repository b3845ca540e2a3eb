"""Free text has a length limit, names refuse control characters, and an e-mail
subject never breaks on a name recorded before these rules (issue 12, item 8)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from duos.models import Concern, Mentee
from duos.services import notifications, workspace
from programmes.validators import TEXT_LIMIT
from tests.duos.test_intake_views import _mentee_post


def test_a_two_million_character_motivation_is_refused_with_a_message(client, programme):
    url = reverse("duos:apply", args=[programme.slug, "mentee"])
    response = client.post(url, _mentee_post(motivation="x" * 2_000_000))
    assert response.status_code == 400
    assert "motivation" in response.context["form"].errors
    assert not Mentee.objects.exists()
    fitting = client.post(url, _mentee_post(motivation="x" * TEXT_LIMIT))
    assert fitting.status_code == 302


@pytest.mark.parametrize("name", ["Yas\nsine", "Yas\rsine", "Yas\u2028sine", "Yas\x00sine"])
def test_a_name_with_a_line_break_is_refused(client, programme, name):
    url = reverse("duos:apply", args=[programme.slug, "mentee"])
    response = client.post(url, _mentee_post(first_name=name))
    assert response.status_code == 400
    assert "first_name" in response.context["form"].errors
    assert not Mentee.objects.exists()


def test_names_with_accents_apostrophes_and_hyphens_are_fine(client, programme):
    url = reverse("duos:apply", args=[programme.slug, "mentee"])
    response = client.post(url, _mentee_post(first_name="Zoë-Anaïs", last_name="D'Hondt"))
    assert response.status_code == 302


def test_a_concern_about_a_name_with_a_line_break_is_still_raised_and_sent(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    """A name recorded before the rule (or by an old import): the alert is not lost."""
    Mentee.objects.filter(pk=world.mentee.pk).update(first_name="Amina\nInjected: header")
    world.duo.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        workspace.concern_raise(world.mentor_user, duo=world.duo, text="Silent", urgent=False)
    assert Concern.objects.filter(duo=world.duo).exists()
    assert mailoutbox and all("\n" not in m.subject for m in mailoutbox)
    assert "Amina Injected: header" in mailoutbox[0].subject


def test_the_silence_reminders_job_survives_such_a_name(world, mailoutbox):
    Mentee.objects.filter(pk=world.mentee.pk).update(first_name="Amina\r\nBcc: x@evil.invalid")
    world.duo.started_on = timezone.localdate() - timezone.timedelta(days=90)
    world.duo.save()
    assert workspace.send_silence_reminders() >= 1
    assert all("\n" not in m.subject and "\r" not in m.subject for m in mailoutbox)


@pytest.mark.parametrize(
    ("raw", "safe"),
    [("a\nb", "a b"), ("a\r\n\tb", "a b"), ("  a  ", "a"), ("x" * 500, "x" * 150)],
)
def test_safe_subject(raw, safe):
    assert notifications.safe_subject(raw) == safe


def test_a_birth_date_before_1900_is_refused(client, programme):
    url = reverse("duos:apply", args=[programme.slug, "mentee"])
    response = client.post(url, _mentee_post(birth_date="0001-01-01"))
    assert response.status_code == 400
    assert "birth_date" in response.context["form"].errors
