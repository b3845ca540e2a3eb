"""The one suppression function (DESIGN.md, funder-facing figures), without HTTP."""

import itertools
import random
from decimal import Decimal

import pytest

from programmes.suppression import HIDDEN, NO_RATE, SMALL, Sheet, percent, suppress


def _breakdown(total: int | None, parts: dict[str, int], *, n: int | None = None) -> Sheet:
    """A breakdown: parts adding up to ``total``, each with its rate over n."""
    sheet = Sheet()
    total = sum(parts.values()) if total is None else total
    sheet.count("total", total)
    for key, value in parts.items():
        sheet.count(key, value)
        sheet.rate(f"rate_{key}", key, "total")
    sheet.add_sum("total", parts)
    return sheet


def _one_count(value: int) -> dict:
    sheet = Sheet()
    sheet.count("c", value)
    return suppress(sheet)


@pytest.mark.parametrize(
    ("value", "text"), [(0, "0"), (1, SMALL), (2, SMALL), (4, SMALL), (5, "5"), (168, "168")]
)
def test_counts_from_1_to_4_show_as_less_than_5(value, text):
    cell = _one_count(value)["c"]
    assert cell.text == text
    assert cell.hidden == (text == SMALL)
    assert cell.value == (None if cell.hidden else value)  # a hidden cell keeps no value


def _rate(count: int, n: int, **kwargs) -> str:
    sheet = Sheet()
    sheet.count("n", n)
    sheet.count("count", count)
    sheet.rate("rate", "count", "n")
    return suppress(sheet, **kwargs)["rate"].text


@pytest.mark.parametrize(
    ("count", "n", "text"),
    [
        (5, 9, NO_RATE),  # n below 10: no rate
        (9, 9, NO_RATE),
        (0, 9, NO_RATE),
        (5, 10, "50.0 %"),  # n = 10: a rate
        (0, 10, "0.0 %"),  # nobody is no small count
        (1, 10, "<5 of 10"),
        (4, 10, "<5 of 10"),
        (1, 168, "<5 of 168"),  # the funder's "internship 0.6 % of 168"
        (3, 119, "<5 of 119"),  # the funder's "unknown share 2.5 % of 119"
        (4, 168, "<5 of 168"),
        (5, 168, "3.0 %"),
        (10, 23, "43.5 %"),  # half up: 43.478…
        (0, 0, NO_RATE),
        (2, 3, NO_RATE),  # n itself hidden (<5)
    ],
)
def test_rates(count, n, text):
    assert _rate(count, n) == text


def test_a_percentage_that_would_multiply_back_to_1_to_4_shows_its_count():
    # 5 / 1500 = 0.33 % would show as "0.3 %", and 0.3 % × 1500 = 4.5
    assert _rate(5, 1500) == "5 of 1500"
    assert _rate(5, 2000) == "0.3 %"  # 0.3 % × 2000 = 6; 4 / 2000 would be "0.2 %"
    assert _rate(5, 20000) == "0.0 %"  # multiplies back to 0


def test_coordinators_see_everything_in_full():
    sheet = _breakdown(None, {"a": 1, "b": 7, "c": 20})
    sheet.count("tiny", 3)
    sheet.count("n9", 9)
    sheet.count("seven", 7)
    sheet.rate("rate_small_n", "seven", "n9")
    cells = suppress(sheet, full=True)
    assert [cells[k].text for k in ("a", "b", "c", "total", "tiny")] == ["1", "7", "20", "28", "3"]
    assert cells["rate_a"].text == "3.6 %" and cells["rate_a"].value == 1 / 28
    assert cells["rate_small_n"].text == "77.8 %"
    assert not any(cell.hidden for cell in cells.values())


def test_one_hidden_cell_hides_the_next_smallest_and_its_rate():
    cells = suppress(_breakdown(None, {"a": 3, "b": 7, "c": 20, "d": 0}))
    assert [cells[k].text for k in "abcd"] == [SMALL, HIDDEN, "20", "0"]
    assert cells["total"].text == "30"
    assert cells["rate_a"].text == "<5 of 30"
    assert cells["rate_b"].text == HIDDEN  # 7 / 30 would give 3 back
    assert cells["rate_c"].text == "66.7 %" and cells["rate_d"].text == "0.0 %"
    assert cells["b"].value is None and cells["rate_b"].value is None


def test_a_zero_is_never_the_complementary_cell():
    cells = suppress(_breakdown(None, {"zero": 0, "small": 2, "big": 11, "bigger": 40}))
    assert [cells[k].text for k in ("zero", "small", "big", "bigger")] == ["0", SMALL, HIDDEN, "40"]


def test_two_small_cells_protect_each_other_unless_their_sum_pins_them():
    # 2 + 3 = 5 hidden: each could be 1 to 4
    cells = suppress(_breakdown(None, {"a": 2, "b": 3, "c": 20}))
    assert [cells[k].text for k in "abc"] == [SMALL, SMALL, "20"]
    # 4 + 4 = 8: two "<5" adding up to 8 are both 4, so one more is hidden
    cells = suppress(_breakdown(None, {"a": 4, "b": 4, "c": 20, "d": 30}))
    assert [cells[k].text for k in "abcd"] == [SMALL, SMALL, HIDDEN, "30"]


def test_the_next_smallest_is_hidden_again_while_the_count_can_be_worked_out():
    # 1 and 5 hidden add up to 6: "<5" + "5 or more" = 6 gives 1 + 5 back
    cells = suppress(_breakdown(None, {"a": 1, "b": 5, "c": 20, "d": 40}))
    assert [cells[k].text for k in "abcd"] == [SMALL, HIDDEN, HIDDEN, "40"]


def test_a_hidden_total_whose_parts_are_all_shown_hides_a_part():
    sheet = _breakdown(None, {"a": 7, "b": 9})
    sheet.count("total_small", 3)
    sheet.count("x", 0)
    sheet.count("y", 3)
    sheet.add_sum("total_small", ["x", "y"])  # 3 = 0 + 3: both "<5" already
    cells = suppress(sheet)
    assert cells["total_small"].text == SMALL and cells["y"].text == SMALL
    # a total hidden as the next smallest part of another sum
    sheet = Sheet()
    sheet.count("grand", 40)
    sheet.count("group", 8)
    sheet.count("small", 2)
    sheet.count("other", 30)
    sheet.add_sum("grand", ["group", "small", "other"])
    sheet.count("g1", 6)
    sheet.count("g2", 2)
    sheet.add_sum("group", ["g1", "g2"])
    cells = suppress(sheet)
    assert cells["group"].hidden and cells["g2"].text == SMALL
    assert cells["g1"].hidden  # else group = g1 + g2 … and g2 = group − g1


def test_unpublished_counts_take_part_but_have_no_cell():
    sheet = Sheet()
    sheet.count("n", 30)
    sheet.count("shown", 27)
    sheet.count("not_on_the_page", 3, published=False)
    sheet.add_sum("n", ["shown", "not_on_the_page"])
    cells = suppress(sheet)
    assert "not_on_the_page" not in cells
    assert cells["shown"].text == HIDDEN  # 30 − 27 would give the 3 back
    # published later (a rate of it): it is on the page
    sheet.rate("rate", "not_on_the_page", "n")
    assert suppress(sheet)["rate"].text == "<5 of 30"


def test_a_figure_worked_out_from_a_hidden_count_is_hidden():
    sheet = Sheet()
    for key, duos in (("small", 3), ("large", 40), ("none", 0)):
        sheet.count(key, duos)
        cost = Decimal(100000) / duos if duos else None
        sheet.derived(f"cost_{key}", cost, from_counts=[key])
    cells = suppress(sheet)
    assert cells["cost_small"].text == HIDDEN and cells["cost_small"].value is None
    assert cells["cost_large"].text == "2500" and cells["cost_none"].text == NO_RATE
    assert suppress(sheet, full=True)["cost_small"].value == Decimal(100000) / 3


def test_percent_rounds_half_up():
    assert percent(77 / 152) == "50.7" and percent(0.0005) == "0.1" and percent(None) is None
    assert percent(1 / 8) == "12.5" and percent(0.03125) == "3.1"


# --- brute force: what a reader could work out from one breakdown ---------------------


def _readings(cells, parts, total) -> dict[str, set[int]]:
    """Every value each "<5" part could have, given what is shown: shown numbers,
    "<5" for 1–4, "·" for 5 or more, and the parts adding up to the total."""

    def options(key, value):
        if not cells[key].hidden:
            return [value]
        # "·" is 5 or more, with no upper bound: any value above the total will do
        return range(1, 5) if cells[key].text == SMALL else range(5, total + 6)

    keys = list(parts)
    totals = options("total", total)
    possible = {k: set() for k in keys if cells[k].text == SMALL}
    for combination in itertools.product(*(options(k, parts[k]) for k in keys)):
        if sum(combination) in totals:
            for key, value in zip(keys, combination, strict=True):
                if key in possible:
                    possible[key].add(value)
    return possible


@pytest.mark.parametrize("seed", range(300))
def test_no_small_part_of_a_breakdown_can_be_worked_out(seed):
    generator = random.Random(seed)
    parts = {
        f"p{i}": generator.choice([0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 20])
        for i in range(generator.randint(2, 5))
    }
    total = sum(parts.values())
    cells = suppress(_breakdown(total, parts))
    for key, value in parts.items():
        if 1 <= value <= 4:
            assert cells[key].text == SMALL and cells[f"rate_{key}"].value is None
        if cells[key].hidden:
            assert "%" not in cells[f"rate_{key}"].text
    for key, values in _readings(cells, parts, total).items():
        assert len(values) > 1, (parts, key, values)
