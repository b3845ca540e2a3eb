"""The mentor's home renders one meeting form and gives it to each duo with
that duo's prefix and one-use token (mentoring.views._fields_html): each duo
gets exactly the HTML its own form renders to, and a form posted from it
logs the meeting on that duo."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from duos.models import Meeting
from tests.factories import DuoFactory, MentorFactory, UserFactory


def test_each_duo_gets_its_own_form_html(client, world):
    mentor = world.duo.mentor
    mentor.capacity = 4
    mentor.save()
    others = DuoFactory.create_batch(2, programme=world.programme, mentor=mentor)
    client.force_login(world.mentor_user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    duos = response.context["mentor_duos"]
    assert {d.pk for d in duos} == {world.duo.pk, *(d.pk for d in others)}
    tokens = set()
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        for duo in duos:
            own = render_to_string("_form.html", {"form": duo.meeting_form})
            assert own in body
            assert f'name="duo-{duo.pk}-date"' in own
            tokens.add(str(duo.meeting_form.initial["client_token"]))
    assert len(tokens) == len(duos)  # one token per form, each in the page
    assert all(body.count(token) == 1 for token in tokens)


def test_a_form_from_the_shared_render_logs_on_its_duo(client, world):
    mentor = world.duo.mentor
    mentor.capacity = 3
    mentor.save()
    second = DuoFactory(programme=world.programme, mentor=mentor)
    client.force_login(world.mentor_user)
    page = client.get(reverse("home"))
    duo = next(d for d in page.context["mentor_duos"] if d.pk == second.pk)
    prefix = f"duo-{duo.pk}"
    response = client.post(
        reverse("duos:meeting_log", args=[duo.uuid]),
        {
            f"{prefix}-date": timezone.localdate().isoformat(),
            f"{prefix}-minutes": 45,
            f"{prefix}-mode": "video",
            f"{prefix}-client_token": str(duo.meeting_form.initial["client_token"]),
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.filter(duo=second, minutes=45).count() == 1
    assert not Meeting.objects.filter(duo=world.duo, minutes=45).exists()


def test_a_mentor_without_duos_gets_no_form(client, world):
    lonely = MentorFactory(programme=world.programme, user=UserFactory())
    client.force_login(lonely.user)
    response = client.get(reverse("home"))
    assert response.context["mentor_duos"] == []
    assert "meeting-form" not in response.content.decode()
