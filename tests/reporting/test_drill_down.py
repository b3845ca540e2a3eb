"""The drill-down lists exactly the trajectories behind the figure clicked: every
figure link of the coordinator's dashboard opens a list as long as its count."""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from duos.models import Duo
from reporting.rates import GROUPS
from reporting.services import snapshot_compute
from tests.reporting.analyst_data import Links, Text, build


@pytest.fixture
def data(world):
    last = build(world.programme)
    snapshot_compute(programme=world.programme)
    return last


def _dashboard(world, **params):
    return reverse("reporting:dashboard", args=[world.programme.uuid]), params


def _drill(world):
    return reverse("reporting:drill_down", args=[world.programme.uuid])


def _count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def _expected(context) -> dict[str, int]:
    """The count each figure stands for, from the dashboard's own cells: n, and a
    rate × n (coordinators see values)."""
    expected = {}

    def add(fig, n_cell, groups):
        n = n_cell.value
        expected[fig.query] = n
        for group in groups:
            rate = fig.rates[group].value
            expected[f"{fig.query}&group={group}"] = round(rate * n) if n else 0
        if fig.unknown_share is not None:
            share = fig.unknown_share.value
            expected[f"{fig.query}&status=unknown"] = round(share * n) if n else 0

    for fig in context["table"]:
        add(fig, fig.n, GROUPS)
    for item in context["series"]:
        for fig in item["points"]:
            add(fig, fig.n, ("employed", "positive"))
    for lines in context["breakdowns"].values():
        for line in lines:
            add(line.figure, line.n, ("employed", "positive"))
    return expected


@pytest.mark.parametrize("params", [{}, {"from": "2023", "to": "2024"}])
def test_every_figure_link_lists_as_many_trajectories_as_it_counts(client, world, data, params):
    client.force_login(world.coordinator)
    url, query = _dashboard(world, **params)
    response = client.get(url, query)
    expected = _expected(response.context)
    drill = _drill(world)
    links = [
        (html.unescape(href), text)
        for href, text in Links(response.content.decode()).links
        if href.startswith(drill + "?")
    ]
    # every rate and count of the main table, the cohorts and the breakdowns
    assert len(links) == len(expected) > 100
    for href, text in links:
        key = href.removeprefix(drill + "?")
        assert key in expected, href
        count = _count(client, href)
        assert count == expected[key], (href, text)
        if text.isdigit():  # an n or a count: the link's own text
            assert count == int(text), href


def test_a_breakdown_value_and_a_group_by_hand(client, world, data):
    """Females of the 2023 cohort, positive at exit, over the completed: counted
    here from the duos themselves."""
    positive = set(GROUPS["positive"])
    hand = [
        duo
        for duo in data
        if duo.mentee.gender == "female"
        and min(d.started_on for d in duo.mentee.duos.all()).year == 2023  # the cohort
        and duo.end_reason in ("completed", "goal_reached")
        and {o.status for o in duo.outcomes.filter(point="exit")} & positive
    ]
    client.force_login(world.coordinator)
    response = client.get(
        _drill(world),
        {
            "from": "2023",
            "to": "2023",
            "point": "exit",
            "denominator": "completed",
            "group": "positive",
            "dimension": "gender",
            "value": "female",
        },
    )
    assert response.status_code == 200
    shown = {duo.pk for duo in response.context["page"].object_list}
    assert shown == {duo.pk for duo in hand} and len(hand) > 0
    body = Text(response.content.decode()).text
    assert "Female" in body and "Positive" in body
    # the figure on the dashboard says the same
    page = client.get(*_dashboard(world, **{"from": "2023", "to": "2023"}))
    (line,) = [
        line for line in page.context["breakdowns"][("gender", "exit")] if line.value == "female"
    ]
    assert round(line.figure.rates["positive"].value * line.n.value) == len(hand)


def test_statuses_show_as_labels_and_names_link_to_the_duo(client, world, data):
    client.force_login(world.coordinator)
    response = client.get(_drill(world), {"point": "exit", "status": "still_searching"})
    body = Text(response.content.decode()).text
    assert "Still searching" in body and "still_searching" not in body
    duo = response.context["page"].object_list[0]
    assert duo.exit_status == "still_searching"
    assert reverse("duos:duo_detail", args=[duo.uuid]) in response.content.decode()


def test_active_and_earlier_duos_are_not_trajectories(client, world, data):
    client.force_login(world.coordinator)
    response = client.get(_drill(world))
    listed = {duo.pk for duo in response.context["page"].paginator.object_list}
    assert listed == {duo.pk for duo in data}  # the last duos, ended
    assert not Duo.objects.filter(pk__in=listed, status="active").exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 200), ("funder", 403), ("evaluator", 403), ("coach", 403), ("outsider", 404)],
)
def test_coordinators_only(client, world, data, who, status):
    client.force_login(getattr(world, who))
    assert client.get(_drill(world), {"group": "positive"}).status_code == status


def test_funders_see_no_drill_link(client, world, data):
    client.force_login(world.funder)
    body = client.get(*_dashboard(world)).content.decode()
    assert _drill(world) not in body


@pytest.mark.parametrize(
    "params",
    [
        {"group": "flying"},
        {"point": "later"},
        {"denominator": "all"},
        {"from": "20x4"},
        {"from": "2024", "to": "2020"},
        {"dimension": "gender"},
        {"dimension": "gender", "value": "robot"},
        {"dimension": "shoe_size", "value": "42"},
        {"group": "positive", "status": "employed"},
        {"cohort": "١٢٣٤"},
    ],
)
def test_bad_parameters_say_so(client, world, data, params):
    client.force_login(world.coordinator)
    response = client.get(_drill(world), params)
    assert response.status_code == 400
    assert "could not be used" in response.content.decode()


def test_pages_keep_the_filter(client, world, data, django_assert_max_num_queries):
    build(world.programme, seed=3)
    build(world.programme, seed=4)
    client.force_login(world.coordinator)
    with django_assert_max_num_queries(20):
        response = client.get(_drill(world), {"denominator": "started"})
    page = response.context["page"]
    assert page.paginator.count > 50 and len(page.object_list) == 50
    next_link = [h for h, t in Links(response.content.decode()).links if "page=2" in h]
    assert next_link and parse_qs(urlsplit(html.unescape(next_link[0])).query)["denominator"] == [
        "started"
    ]
