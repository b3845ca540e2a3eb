"""The dashboard's screen: two periods side by side (each suppressed as alone), the
cost per duo "so far" while the funding runs, amounts in euros, rates in the
language's format, breakdown labels instead of codes, and for funders no count
from 1 to 4 anywhere."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting.dashboard import Period, dashboard
from reporting.services import snapshot_compute
from tests.factories import FundingFactory
from tests.reporting.analyst_data import Text, build
from tests.reporting.test_funder_figures import check_html

CODES = ["female", "male", "non_binary", "under_25", "25_54", "over_54", "not_recorded"]
CODES += ["isced_0_2", "isced_3_4", "isced_5_8", "still_searching", "self_employed"]


@pytest.fixture
def data(world):
    build(world.programme)
    today = timezone.localdate()
    own = world.funder.memberships.get().organisation
    running = FundingFactory(
        funder=own,
        programme=world.programme,
        amount=Decimal("7762500.00"),
        starts_on=dt.date(2022, 1, 1),
        ends_on=today + dt.timedelta(days=400),
        target_duos=855,
    )
    ended = FundingFactory(
        programme=world.programme,
        amount=Decimal("250000"),
        starts_on=dt.date(2022, 1, 1),
        ends_on=dt.date(2023, 12, 31),
        target_duos=40,
    )
    snapshot = snapshot_compute(programme=world.programme)
    return {"snapshot": snapshot, "running": running, "ended": ended}


def _url(world):
    return reverse("reporting:dashboard", args=[world.programme.uuid])


def _texts(table):
    return [
        [fig.n.text, *(c.text for c in fig.rates.values()), fig.unknown_share.text] for fig in table
    ]


@pytest.mark.parametrize("who", ["coordinator", "funder"])
def test_two_periods_side_by_side_each_as_alone(client, world, data, who):
    client.force_login(getattr(world, who))
    both = {"from": "2024", "to": "2024", "compare_from": "2023", "compare_to": "2023"}
    response = client.get(_url(world), both)
    assert response.status_code == 200
    main, compared = response.context["columns"]
    alone_2024 = client.get(_url(world), {"from": "2024", "to": "2024"}).context["table"]
    alone_2023 = client.get(_url(world), {"from": "2023", "to": "2023"}).context["table"]
    assert _texts(main["table"]) == _texts(alone_2024)
    assert _texts(compared["table"]) == _texts(alone_2023)
    assert _texts(main["table"]) != _texts(compared["table"])
    text = Text(response.content.decode()).text
    assert "Cohorts 2024" in text and "Compared with cohorts 2023" in text
    # the main table's rows carry both periods' figures, in that order
    for row in response.context["rows"]:
        assert [f.n.text for f in row["figures"]] == [
            next(
                f.n.text
                for f in t
                if (f.point, f.denominator) == (row["point"], row["denominator"])
            )
            for t in (alone_2024, alone_2023)
        ]


def test_funder_compare_page_shows_no_small_count(client, world, data):
    client.force_login(world.funder)
    for params in (
        {"from": "2024", "to": "2024", "compare_from": "2022", "compare_to": "2023"},
        {"compare_from": "2024"},
        {"from": "2022", "to": "2022", "compare_from": "2024", "compare_to": "2024"},
    ):
        response = client.get(_url(world), params)
        assert check_html(response.content.decode(), str(params)) == []
    # the same check does find small counts on the coordinator's page
    client.force_login(world.coordinator)
    response = client.get(_url(world), {"from": "2024", "to": "2024", "compare_from": "2022"})
    assert any("1 to 4" in p for p in check_html(response.content.decode(), "coordinator"))


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"compare_from": "abc"}, "is not a year"),
        ({"from": "2025", "to": "2023"}, "ends before it starts"),
        ({"compare_from": "2024", "compare_to": "2022"}, "ends before it starts"),
        ({"to": "99999999999999999999"}, "is not a year"),
        ({"from": "١٢٣٤"}, "is not a year"),
    ],
)
def test_bad_periods_say_so(client, world, data, params, message):
    client.force_login(world.funder)
    response = client.get(_url(world), params)
    assert response.status_code == 400
    assert message in Text(response.content.decode()).text
    assert response.context["compare"] is None or "compare_from" not in params


def test_cost_per_duo_so_far_while_the_funding_runs(client, world, data):
    client.force_login(world.coordinator)
    response = client.get(_url(world))
    lines = {line["funding"].pk: line for line in response.context["fundings"]}
    running, ended = lines[data["running"].pk], lines[data["ended"].pk]
    assert running["so_far"] is True and ended["so_far"] is False
    text = Text(response.content.decode()).text
    started = running["duos_started"].text
    assert f"{started} so far (target 855)" in text
    assert text.count("so far (target") == 1  # the ended funding's count is final
    # actual cost = amount ÷ duos started in the funding's years (2022 → now)
    duos = running["duos_started"].value
    assert running["actual_cost"].value == (Decimal("7762500") / duos).quantize(Decimal("1"))
    assert ended["actual_cost"].value == (Decimal("250000") / ended["duos_started"].value).quantize(
        Decimal("1")
    )


def test_so_far_follows_the_funding_period_and_the_period_shown(world, data):
    snapshot = data["snapshot"]
    ended = data["ended"]  # 2022–2023
    kwargs = {"full": True, "fundings": [ended]}
    (line,) = dashboard(snapshot, Period(2022, 2023), today=dt.date(2024, 3, 1), **kwargs)[
        "fundings"
    ]
    assert line["so_far"] is False
    (line,) = dashboard(snapshot, Period(2022, 2023), today=dt.date(2023, 3, 1), **kwargs)[
        "fundings"
    ]
    assert line["so_far"] is True  # the funding runs until the end of 2023
    (line,) = dashboard(snapshot, Period(2023, None), today=dt.date(2030, 1, 1), **kwargs)[
        "fundings"
    ]
    assert line["so_far"] is True  # the period shown has no end yet


def test_amounts_in_euros_and_rates_in_the_language(client, world, data):
    client.force_login(world.coordinator)
    text = Text(client.get(_url(world)).content.decode()).text
    assert "€7,762,500" in text and "7762500" not in text
    response = client.get(_url(world), HTTP_ACCEPT_LANGUAGE="nl")
    text = Text(response.content.decode()).text
    assert "7.762.500\xa0€" in text or "7.762.500 €" in text
    rates = [c.text for fig in response.context["table"] for c in fig.rates.values()]
    assert all(re.fullmatch(r"\d+,\d %", r) for r in rates if r != "—"), rates


@pytest.mark.parametrize("who", ["coordinator", "funder"])
def test_breakdowns_show_labels_never_codes(client, world, data, who):
    client.force_login(getattr(world, who))
    text = Text(client.get(_url(world)).content.decode()).text
    for label in ("Female", "Under 25", "25–54", "At most lower secondary (ISCED 0–2)"):
        assert label in text, label
    for code in CODES:
        assert not re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text), code
    if who == "funder":
        assert "Migration background" not in text


def test_compare_queries_do_not_grow(client, world, data, django_assert_max_num_queries):
    client.force_login(world.funder)
    params = {"from": "2024", "compare_from": "2022", "compare_to": "2023"}
    with django_assert_max_num_queries(30) as captured:
        client.get(_url(world), params)
    few = len(captured.captured_queries)
    build(world.programme, seed=5)
    build(world.programme, seed=6)
    snapshot_compute(programme=world.programme)
    with django_assert_max_num_queries(few):
        assert client.get(_url(world), params).status_code == 200
