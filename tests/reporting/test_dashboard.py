"""Dashboards: who sees what, suppression for funders, rounding, exports, query counts."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from programmes.models import AccessRecord
from programmes.suppression import HIDDEN, SMALL, percent
from reporting.services import snapshot_compute
from tests.factories import (
    DuoFactory,
    FundingFactory,
    MenteeFactory,
    OutcomeFactory,
    ProgrammeFactory,
)


def _trajectories(programme, year, statuses, *, gender="female"):
    for status in statuses:
        mentee = MenteeFactory(programme=programme, gender=gender)
        duo = DuoFactory(
            programme=programme,
            mentee=mentee,
            ended=True,
            started_on=dt.date(year, 2, 1),
            ended_on=dt.date(year, 8, 1),
        )
        if status:
            OutcomeFactory(
                duo=duo, point="exit", status=status, contract_type="", date=duo.ended_on
            )


@pytest.fixture
def figures(world):
    _trajectories(
        world.programme, 2023, ["employed"] * 8 + ["training"] * 3 + ["still_searching"] * 9
    )
    _trajectories(world.programme, 2024, ["employed"] * 2 + ["studies"] * 1, gender="male")
    FundingFactory(
        programme=world.programme, starts_on=dt.date(2023, 1, 1), ends_on=dt.date(2024, 12, 31)
    )
    return snapshot_compute(programme=world.programme)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("funder", 200),
        ("evaluator", 200),
        ("coach", 403),
        ("mentor_user", 403),
        ("outsider", 404),
    ],
)
def test_dashboard_access(client, world, figures, who, status):
    client.force_login(getattr(world, who))
    assert (
        client.get(reverse("reporting:dashboard", args=[world.programme.uuid])).status_code
        == status
    )


def test_anonymous_goes_to_sign_in(client, world):
    response = client.get(reverse("reporting:dashboard", args=[world.programme.uuid]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_funder_sees_suppressed_figures_and_no_names(client, world, figures):
    client.force_login(world.funder)
    response = client.get(
        reverse("reporting:dashboard", args=[world.programme.uuid]), {"from": "2024"}
    )
    body = response.content.decode()
    table = response.context["table"]
    exit_completed = table[0]
    assert exit_completed.n.text == SMALL  # 3 trajectories in 2024
    assert all(cell.text == "—" for cell in exit_completed.rates.values())
    assert world.duo.mentee.last_name not in body and "Migration background" not in body
    assert reverse("reporting:drill_down", args=[world.programme.uuid]) not in body


def test_funder_all_cohorts_rates_half_up(client, world, figures):
    client.force_login(world.funder)
    table = client.get(reverse("reporting:dashboard", args=[world.programme.uuid])).context["table"]
    fig = table[0]  # exit, completed, all cohorts: 23 trajectories, 10 employed
    assert fig.n.text == "23"
    assert fig.rates["positive"].text == "60.9 %"  # 14 / 23 = 60.869…
    assert fig.counts["studies"].text == SMALL  # 1: hidden …
    assert fig.counts["training"].text == SMALL  # 3
    assert fig.rates["training"].text == "<5 of 23"  # 4: never a percentage
    # The training group (4) could be worked out as positive − employed −
    # internship: employed, the next smallest, is hidden too, rate included,
    # and so is the employed status, which would give the employed group back.
    assert fig.rates["employed"].text == HIDDEN and fig.counts["employed"].text == HIDDEN
    assert fig.rates["still_searching"].text == "39.1 %"  # 9 / 23
    assert fig.rates["internship"].text == "0.0 %"  # 0 is no small count


def test_coordinator_sees_everything_and_can_drill_down(client, world, figures):
    client.force_login(world.coordinator)
    response = client.get(
        reverse("reporting:dashboard", args=[world.programme.uuid]), {"from": "2024"}
    )
    fig = response.context["table"][0]
    assert fig.n.text == "3" and fig.rates["employed"].text == "66.7 %"
    assert ("migration_background", "exit") in response.context["breakdowns"]
    drill = client.get(
        reverse("reporting:drill_down", args=[world.programme.uuid]),
        {"cohort": "2024", "point": "exit", "status": "employed"},
    )
    assert len(drill.context["page"].object_list) == 2
    client.force_login(world.funder)
    assert (
        client.get(reverse("reporting:drill_down", args=[world.programme.uuid])).status_code == 403
    )


def test_export_is_suppressed_for_funders_and_logged(client, world, figures):
    client.force_login(world.funder)
    url = reverse("reporting:dashboard", args=[world.programme.uuid])
    response = client.get(url, {"from": "2024", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = ["programme", "kind", "period_from", "period_to", "point", "denominator", "n"]
    assert rows[0][:7] == header
    assert rows[1][:6] == [world.programme.slug, "period", "2024", "", "exit", "completed"]
    assert rows[1][6] == SMALL
    record = AccessRecord.objects.get()
    assert (
        record.what == "figures_export"
        and record.user == world.funder
        and record.filters["suppressed"]
    )


def test_dashboard_queries_do_not_grow(client, world, figures, django_assert_max_num_queries):
    client.force_login(world.funder)
    url = reverse("reporting:dashboard", args=[world.programme.uuid])
    with django_assert_max_num_queries(30) as captured:
        client.get(url)
    few = len(captured.captured_queries)
    _trajectories(world.programme, 2022, ["employed"] * 40 + ["internship"] * 20)
    snapshot_compute(programme=world.programme)
    with django_assert_max_num_queries(few):
        client.get(url)


def test_no_snapshot_yet_says_so(client, world):
    client.force_login(world.coordinator)
    response = client.get(reverse("reporting:dashboard", args=[world.programme.uuid]))
    assert "have not been computed yet" in response.content.decode()


def test_rounding_half_up():
    assert percent(77 / 152) == "50.7" and percent(0.0005) == "0.1" and percent(None) is None


def test_funder_home_shows_the_dashboards_suppressed_headline(client, world, figures):
    client.force_login(world.funder)
    dashboard = client.get(reverse("reporting:dashboard", args=[world.programme.uuid]))
    response = client.get(reverse("home"))
    (programme,) = response.context["granted"]
    assert programme.headline == dashboard.context["table"][0]  # exit, completed, all cohorts
    assert programme.headline.rates["employed"].text == HIDDEN  # as on the dashboard
    body = response.content.decode()
    assert "60.9 %" in body and '<td class="num">23</td>' in body


def test_funder_home_queries_do_not_grow_with_programmes(
    client, world, figures, django_assert_max_num_queries
):
    client.force_login(world.funder)
    with django_assert_max_num_queries(20) as captured:
        client.get(reverse("home"))
    membership = world.funder.memberships.get()
    for _ in range(5):
        programme = ProgrammeFactory()
        _trajectories(programme, 2023, ["employed"] * 6 + ["training"] * 2)
        snapshot_compute(programme=programme)
        membership.programmes.add(programme)
    with django_assert_max_num_queries(len(captured.captured_queries)):
        response = client.get(reverse("home"))
    assert len(response.context["granted"]) == 6
