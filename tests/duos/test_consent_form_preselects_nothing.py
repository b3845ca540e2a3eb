"""The withdrawal-of-consent form records a fact about the person ("the person
withdrew …"): nothing is preselected, and sending it without a choice erases
nothing (STYLE.md: no form records a fact for the user by default)."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import timezone

from duos.models import Mentee


def _consent_url(kind: str, person) -> str:
    return reverse(f"duos:{kind}_consent", args=[person.uuid])


def test_no_scope_is_checked_for_a_mentee_or_a_mentor(client, world):
    client.force_login(world.coordinator)
    for kind, person in (("mentee", world.mentee), ("mentor", world.mentor)):
        html = client.get(_consent_url(kind, person)).content.decode()
        radios = re.findall(r'<input type="radio" name="scope"[^>]*>', html)
        assert radios, kind
        assert not [r for r in radios if "checked" in r], kind


def test_sending_no_choice_erases_nothing(client, world):
    Mentee.objects.filter(pk=world.mentee.pk).update(
        migration_background=True, special_consent_at=timezone.now()
    )
    client.force_login(world.coordinator)
    for data in ({}, {"confirmed": "1"}):
        response = client.post(_consent_url("mentee", world.mentee), data)
        assert response.status_code in (200, 400)
        assert 'id="h-confirm"' not in response.content.decode()  # not even the confirm step
    mentee = Mentee.objects.get(pk=world.mentee.pk)
    assert mentee.migration_background is True and mentee.special_consent_at is not None
    assert mentee.first_name == world.mentee.first_name
