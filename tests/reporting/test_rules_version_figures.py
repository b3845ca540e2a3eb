"""Figures name the rules version that applied (issue 15): a snapshot keeps the
version current when it was computed, and a later rule change never rewrites it."""

from django.urls import reverse

from programmes.services.rules import rules_current, rules_record
from reporting.services import snapshot_compute


def test_a_snapshot_keeps_its_rules_version_after_a_rule_change(client, world):
    first = rules_current(world.programme)
    before = snapshot_compute(programme=world.programme)
    assert before.rules_version == first.version

    world.programme.follow_up_months = 12
    world.programme.save()
    second = rules_record(world.coordinator, programme=world.programme)
    after = snapshot_compute(programme=world.programme)

    before.refresh_from_db()
    assert second.version == first.version + 1
    assert before.rules_version == first.version  # the earlier snapshot is unchanged
    assert after.rules_version == second.version

    client.force_login(world.coordinator)
    page = client.get(reverse("reporting:dashboard", args=[world.programme.uuid])).content
    assert f"rules version {second.version}." in page.decode()
