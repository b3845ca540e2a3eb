"""The figures downloads an analyst uses (CSV and XLSX): every kind of row, numbers
as numbers, rates as fractions with a percentage format, amounts in euros, the
Definitions sheet; for funders exactly the cells the screen shows, suppressed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from programmes.exports import PERCENT
from reporting.rates import GROUPS, STATUSES
from reporting.services import snapshot_compute
from tests.factories import FunderFactory, FundingFactory
from tests.reporting.analyst_data import build, read_csv, read_xlsx, sheet_rows

SHEETS = ["Period", "Cohorts", "Breakdowns", "Activity", "Fundings", "Definitions"]


@pytest.fixture
def data(world):
    build(world.programme)
    own = world.funder.memberships.get().organisation
    own.name = '=HYPERLINK("http://evil.example","Actiris")'
    own.save()
    mine = FundingFactory(
        funder=own,
        programme=world.programme,
        amount=Decimal("7762500.00"),
        starts_on=dt.date(2022, 1, 1),
        ends_on=dt.date(2024, 12, 31),
        target_duos=855,
    )
    theirs = FundingFactory(
        funder=FunderFactory(name="Another funder"),
        programme=world.programme,
        amount=Decimal("123456.78"),
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2023, 12, 31),
        target_duos=30,
    )
    snapshot = snapshot_compute(programme=world.programme)
    return {"snapshot": snapshot, "mine": mine, "theirs": theirs}


def _url(world):
    return reverse("reporting:dashboard", args=[world.programme.uuid])


def _shown(cell):
    """What the download holds for a screen cell (a float as Excel keeps it)."""
    if cell.hidden or cell.value is None:
        return cell.text
    return pytest.approx(cell.value, rel=1e-12) if isinstance(cell.value, float) else cell.value


def test_coordinator_xlsx_has_every_kind_with_numbers_and_formats(client, world, data):
    client.force_login(world.coordinator)
    workbook = read_xlsx(client.get(_url(world), {"format": "xlsx"}))
    assert workbook.sheetnames == SHEETS
    snapshot = data["snapshot"]
    expected = {(r["point"], r["denominator"]): r for r in snapshot.rows if r["cohort"] is None}
    period = sheet_rows(workbook["Period"])
    assert len(period) == 4
    for row in period:
        figures = expected[(row["point"].value, row["denominator"].value)]
        n = figures["n"]
        assert isinstance(row["n"].value, int) and row["n"].value == n > 0
        for status in STATUSES:
            assert row[status].value == figures["counts"][status]
        for group, members in GROUPS.items():
            cell = row[f"rate_{group}"]
            assert isinstance(cell.value, float) and cell.number_format == PERCENT
            assert cell.value == pytest.approx(sum(figures["counts"][s] for s in members) / n)
        assert row["unknown_share"].number_format == PERCENT
        assert row["provisional"].value is figures["provisional"]
    cohorts = sheet_rows(workbook["Cohorts"])
    assert {r["cohort"].value for r in cohorts} == {2022, 2023, 2024}
    dimensions = {r["dimension"].value for r in sheet_rows(workbook["Breakdowns"])}
    assert dimensions == {"gender", "age_band", "education_level", "migration_background"}
    female = [r for r in sheet_rows(workbook["Breakdowns"]) if r["value"].value == "female"]
    assert female and all(r["label"].value == "Female" for r in female)
    fundings = sheet_rows(workbook["Fundings"])
    assert len(fundings) == 2  # coordinators see every funder's money
    amount = next(r["amount"] for r in fundings if r["target_duos"].value == 855)
    assert amount.value == 7762500 and "€" in amount.number_format
    assert "€" in fundings[0]["planned_cost_per_duo"].number_format


def test_definitions_sheet_explains_columns_markers_and_snapshot(client, world, data):
    client.force_login(world.funder)
    workbook = read_xlsx(client.get(_url(world), {"format": "xlsx"}))
    terms = {
        str(row[0].value): str(row[1].value) for row in workbook["Definitions"].iter_rows(min_row=2)
    }
    for marker in ("*", "<5", "<5 of n", "—", "·"):
        assert marker in terms, marker
    for column in ("n", "denominator", "provisional", "unknown_share", "actual_cost_per_duo"):
        assert column in terms, column
    snapshot = data["snapshot"]
    assert terms["snapshot_version"] == str(snapshot.version)
    assert terms["computed_at"].startswith(snapshot.computed_at.astimezone().strftime("%Y-%m-%d"))


def test_funder_download_holds_exactly_the_screen_cells(client, world, data):
    client.force_login(world.funder)
    screen = client.get(_url(world)).context
    workbook = read_xlsx(client.get(_url(world), {"format": "xlsx"}))
    csv_rows = read_csv(client.get(_url(world), {"format": "csv"}))

    period = sheet_rows(workbook["Period"])
    period_csv = [r for r in csv_rows if r["kind"] == "period"]
    hidden = 0
    for fig, row, line in zip(screen["table"], period, period_csv, strict=True):
        cells = {"n": fig.n, **fig.counts, "unknown_share": fig.unknown_share}
        cells |= {f"rate_{g}": c for g, c in fig.rates.items()}
        for column, cell in cells.items():
            hidden += cell.hidden
            assert row[column].value == _shown(cell), column
            assert line[column] == (cell.text if cell.hidden else str(cell.value)), column

    cohorts = sheet_rows(workbook["Cohorts"])
    shown = [(s["cohort"], fig) for s in screen["series"] for fig in s["points"]]
    assert len(cohorts) == len(shown)
    for (year, fig), row in zip(shown, cohorts, strict=True):
        assert row["cohort"].value == year and row["point"].value == fig.point
        assert row["n"].value == _shown(fig.n)
        for group in ("employed", "positive"):
            assert row[f"rate_{group}"].value == _shown(fig.rates[group])

    breakdowns = sheet_rows(workbook["Breakdowns"])
    shown = [(key, line) for key, lines in screen["breakdowns"].items() for line in lines]
    assert len(breakdowns) == len(shown)
    for ((dimension, _point), line), row in zip(shown, breakdowns, strict=True):
        assert (row["dimension"].value, row["value"].value) == (dimension, line.value)
        assert row["n"].value == _shown(line.n)
        hidden += line.n.hidden
        for group in ("employed", "positive"):
            cell = line.figure.rates[group]
            hidden += cell.hidden
            assert row[f"rate_{group}"].value == _shown(cell)
    assert hidden > 0  # the comparison did meet suppressed cells
    assert "migration_background" not in {r["dimension"].value for r in breakdowns}
    assert not any(r["dimension"] == "migration_background" for r in csv_rows)


def test_funder_downloads_show_no_count_from_1_to_4(client, world, data):
    client.force_login(world.funder)
    for period in ({}, {"from": "2024", "to": "2024"}, {"from": "2022", "to": "2023"}):
        rows = read_csv(client.get(_url(world), {**period, "format": "csv"}))
        for row in rows:
            for column in ("n", *STATUSES, "duos_started"):
                assert row[column] not in {"1", "2", "3", "4"}, (period, column, row)
            for column in [*(f"rate_{g}" for g in GROUPS), "unknown_share"]:
                value = row[column]
                if value and value[0].isdigit():  # a shown rate: a fraction
                    n = int(row["n"])
                    assert n >= 10 and not 1 <= round(float(value) * n) <= 4, (column, row)
                else:  # empty (another kind) or a mark
                    assert value in {"", "—", "·"} or value.startswith("<5 of "), value


def test_fundings_only_those_the_reader_may_see(client, world, data):
    client.force_login(world.funder)
    funder_rows = [
        r for r in read_csv(client.get(_url(world), {"format": "csv"})) if r["kind"] == "funding"
    ]
    assert [r["amount"] for r in funder_rows] == ["7762500.00"]
    assert funder_rows[0]["target_duos"] == "855"
    client.force_login(world.evaluator)
    workbook = read_xlsx(client.get(_url(world), {"format": "xlsx"}))
    assert sheet_rows(workbook["Fundings"]) == []
    text = " ".join(str(c.value) for row in workbook["Period"].iter_rows() for c in row)
    assert "123456" not in text and "7762500" not in text


def test_formula_cells_are_neutralised(client, world, data):
    client.force_login(world.funder)
    (line,) = [
        r for r in read_csv(client.get(_url(world), {"format": "csv"})) if r["kind"] == "funding"
    ]
    assert line["funder"].startswith("'=HYPERLINK")
    workbook = read_xlsx(client.get(_url(world), {"format": "xlsx"}))
    (row,) = sheet_rows(workbook["Fundings"])
    assert row["funder"].value.startswith("'=") and row["funder"].data_type == "s"


def test_bad_period_gives_a_message_not_a_file(client, world, data):
    client.force_login(world.funder)
    for params in ({"from": "abc"}, {"from": "2024", "to": "2022"}, {"compare_to": "99999"}):
        response = client.get(_url(world), {**params, "format": "xlsx"})
        assert response.status_code == 400
        assert "year" in response.content.decode() or "before" in response.content.decode()


def test_download_queries_do_not_grow(client, world, data, django_assert_max_num_queries):
    client.force_login(world.funder)
    params = {"format": "xlsx", "compare_from": "2022", "compare_to": "2022"}
    with django_assert_max_num_queries(30) as captured:
        client.get(_url(world), params)
    few = len(captured.captured_queries)
    build(world.programme, seed=99)
    build(world.programme, seed=100)
    snapshot_compute(programme=world.programme)
    with django_assert_max_num_queries(few):
        response = client.get(_url(world), params)
    assert response.status_code == 200


def test_compare_download_holds_both_periods_as_on_the_screen(client, world, data):
    client.force_login(world.funder)
    params = {"from": "2024", "to": "2024", "compare_from": "2022", "compare_to": "2023"}
    screen = client.get(_url(world), params).context
    rows = read_csv(client.get(_url(world), {**params, "format": "csv"}))
    period = [r for r in rows if r["kind"] == "period"]
    assert [(r["period_from"], r["period_to"]) for r in period] == [("2024", "2024")] * 4 + [
        ("2022", "2023")
    ] * 4
    for view, lines in zip(screen["columns"], (period[:4], period[4:]), strict=True):
        for fig, line in zip(view["table"], lines, strict=True):
            assert line["n"] == (fig.n.text if fig.n.hidden else str(fig.n.value))
            for group, cell in fig.rates.items():
                assert line[f"rate_{group}"] == (cell.text if cell.hidden else str(cell.value))
    # the compared period shows its main rows only, on the screen and here
    assert {r["cohort"] for r in rows if r["kind"] == "cohort"} == {"2024"}
    assert {r["period_from"] for r in rows if r["kind"] == "breakdown"} == {"2024"}
