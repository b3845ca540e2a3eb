"""The one suppression function for every figure a funder or an evaluator can open
(DESIGN.md "Outcome categories and rates", funder-facing figures).

A page describes its figures once, as a ``Sheet``: the counts; the sums that tie
them together (a total and its parts: the statuses and groups of an n, the
cohorts of a period, the values of a breakdown); the rates (a count over its n);
and the figures worked out from a count (cost per duo, meetings per duo).
``suppress(sheet)`` then decides, for all of them at once, what the reader sees:

- a count from 1 to 4 shows as "<5";
- a rate shows only when its n is at least 10; one whose count is 1 to 4 shows
  as "<5 of n", never as a percentage (rate × n would give the count back); a
  percentage that would still multiply back to 1–4 (n in the thousands) shows
  its count instead ("5 of 1500");
- complementary suppression: when a hidden count of a sum could be worked out
  from the shown total and the shown parts, the next smallest shown part is
  hidden too ("·"), and every rate of a hidden count with it; this repeats
  until no sum gives a hidden count back. "Worked out" means what a reader
  knows from the page: the shown numbers, "<5" meaning 1 to 4, "·" meaning 5 or
  more, and a count the page does not show meaning 0 or more;
- a figure worked out from a hidden count is hidden.

With ``full=True`` (the programme's own coordinators) nothing is hidden: the
same cells, with their values. A hidden cell never carries its value, so a
template or a download can only show its text.

Known limit: each sum is checked on its own, and pages are checked one at a
time; two pages (two periods) can still be subtracted from each other.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _

Key = Hashable

SMALL = "<5"  # a count from 1 to 4
HIDDEN = "·"  # hidden so that a small count cannot be worked out from the others
NO_RATE = "—"  # no rate: n below 10, n hidden, or nothing to divide by
MIN_COUNT = 5
MIN_N_FOR_RATE = 10


@dataclass(frozen=True)
class Cell:
    """One figure as shown: its text, whether it was suppressed, and its value
    (None whenever it is hidden)."""

    text: str
    hidden: bool = False
    value: int | float | Decimal | None = None


@dataclass
class Sheet:
    """The figures of one page (or download), before suppression."""

    counts: dict[Key, int] = field(default_factory=dict)
    sums: dict[tuple[Key, tuple[Key, ...]], None] = field(default_factory=dict)
    rates: dict[Key, tuple[Key, Key]] = field(default_factory=dict)
    worked_out: dict[Key, tuple[object, tuple[Key, ...]]] = field(default_factory=dict)
    unpublished: set[Key] = field(default_factory=set)

    def count(self, key: Key, value: int, *, published: bool = True) -> None:
        """A count; an unpublished one is not on the page but takes part in the
        sums (a reader cannot see it, but it must not be worked out either)."""
        if published:
            self.unpublished.discard(key)
        elif key not in self.counts:
            self.unpublished.add(key)
        self.counts[key] = value

    def add_sum(self, total: Key, parts: Iterable[Key]) -> None:
        """``total`` is the sum of ``parts`` (each trajectory in exactly one part)."""
        parts = tuple(parts)
        if parts:
            self.sums[(total, parts)] = None

    def rate(self, key: Key, count: Key, n: Key) -> None:
        """count ÷ n as a percentage. A rate publishes its count and its n."""
        self.unpublished.difference_update((count, n))
        self.rates[key] = (count, n)

    def derived(self, key: Key, value: object, *, from_counts: Iterable[Key]) -> None:
        """A figure worked out from counts (shown only while they all are)."""
        self.worked_out[key] = (value, tuple(from_counts))


def suppress(sheet: Sheet, *, full: bool = False) -> dict[Key, Cell]:
    """Every figure of ``sheet`` as shown: suppressed for funders and evaluators,
        in full for the programme's coordinators (``full=True``). Key → cell; a count
    the page does not publish has no cell unless ``full``."""
    hidden = set() if full else _hidden(sheet)
    cells: dict[Key, Cell] = {}
    for key, value in sheet.counts.items():
        if key in sheet.unpublished and not full:
            continue  # not on the page: no cell to show
        if key not in hidden:
            cells[key] = Cell(str(value), value=value)
        else:
            cells[key] = Cell(SMALL if 1 <= value <= 4 else HIDDEN, hidden=True)
    for key, (count, n) in sheet.rates.items():
        cells[key] = _rate(sheet.counts[count], sheet.counts[n], cells[count], cells[n], full)
    for key, (value, counts) in sheet.worked_out.items():
        if any(c not in cells or cells[c].hidden for c in counts):
            cells[key] = Cell(HIDDEN, hidden=True)
        else:
            cells[key] = Cell(NO_RATE if value is None else str(value), value=value)
    return cells


def percent(rate: float | None) -> str | None:
    """Screens: half up to one decimal (0.50657 → "50.7")."""
    if rate is None:
        return None
    value = (Decimal(str(rate)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}"


def percent_text(rate: float) -> str:
    """A rate as screens show it: half up to one decimal, in the active language's
    number format ("50.7 %", "50,7 %")."""
    number = formats.number_format(Decimal(percent(rate)), 1, use_l10n=True)
    return f"{number} %"


def _rate(count: int, n: int, count_cell: Cell, n_cell: Cell, full: bool) -> Cell:
    rate = count / n if n else None
    if rate is None:
        return Cell(NO_RATE, hidden=not full)
    if full:
        return Cell(percent_text(rate), value=rate)
    if n_cell.hidden or n < MIN_N_FOR_RATE:
        return Cell(NO_RATE, hidden=True)
    if count_cell.hidden:
        if 1 <= count <= 4:
            return Cell(_("<5 of %(n)s") % {"n": n}, hidden=True)
        return Cell(HIDDEN, hidden=True)
    if _multiplies_back(percent(rate), n):
        return Cell(_("%(count)s of %(n)s") % {"count": count, "n": n}, value=rate)
    return Cell(percent_text(rate), value=rate)


def _multiplies_back(text: str, n: int) -> bool:
    """Whether this percentage of n multiplies back to a count from 1 to 4 (it
    can for a count of 5 or more once n is in the thousands: 5 / 1500 = "0.3 %",
    and 0.3 % × 1500 = 4.5)."""
    product = Decimal(text) * n / 100
    half_up = int(product.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return 1 <= round(product) <= 4 or 1 <= half_up <= 4


# --- complementary suppression ---------------------------------------------------------


def _hidden(sheet: Sheet) -> set[Key]:
    """Small counts, then, sum by sum, the next smallest part wherever a hidden
    count can still be worked out; a sum is checked again when one of its cells
    is hidden."""
    counts, unpublished = sheet.counts, sheet.unpublished
    hidden = {k for k, v in counts.items() if 1 <= v <= 4 and k not in unpublished}
    sums = list(sheet.sums)
    sums_of: dict[Key, list[int]] = {}
    for index, (total, parts) in enumerate(sums):
        for key in (total, *parts):
            sums_of.setdefault(key, []).append(index)
    todo = list(range(len(sums)))
    queued = set(todo)
    while todo:
        index = todo.pop()
        queued.discard(index)
        total, parts = sums[index]
        if not _gives_back(total, parts, counts, hidden, unpublished):
            continue
        extra = _next_smallest(total, parts, counts, hidden, unpublished)
        if extra is None:
            continue  # every cell of this sum is hidden already
        hidden.add(extra)
        for other in (*sums_of[extra], index):
            if other not in queued:
                queued.add(other)
                todo.append(other)
    return hidden


def _bounds(key: Key, counts, unpublished) -> tuple[float, float]:
    """What a reader knows of a cell they cannot read."""
    if key in unpublished:
        return 0, math.inf
    if 1 <= counts[key] <= 4:
        return 1, 4  # "<5"
    return MIN_COUNT, math.inf  # "·"


def _gives_back(total, parts, counts, hidden, unpublished) -> bool:
    """Whether total = Σ parts, with what the page shows, pins down a hidden
    count exactly (one that needs protecting: shown as "<5" or "·", or an
    unpublished count from 1 to 4)."""
    terms = [(total, 1), *((p, -1) for p in parts)]
    unknown = [(k, a) for k, a in terms if k in hidden or k in unpublished]
    if not unknown:
        return False
    # Σ a·x over the unknown cells = constant; each a·x lies in a known range
    constant = -sum(a * counts[k] for k, a in terms if not (k in hidden or k in unpublished))
    signed = []
    for key, a in unknown:
        lo, hi = _bounds(key, counts, unpublished)
        signed.append((key, a, lo, hi, min(a * lo, a * hi), max(a * lo, a * hi)))
    for key, a, lo, hi, _low, _high in signed:
        if key in unpublished and not 1 <= counts[key] <= 4:
            continue
        # a·x = constant − (the other terms), whose range is the sum of theirs
        rest_low = sum(other[4] for other in signed if other[0] != key)
        rest_high = sum(other[5] for other in signed if other[0] != key)
        at_least, at_most = constant - rest_high, constant - rest_low
        if a < 0:
            at_least, at_most = -at_most, -at_least
        if max(lo, at_least) >= min(hi, at_most):
            return True
    return False


def _next_smallest(total, parts, counts, hidden, unpublished) -> Key | None:
    """The smallest shown part that is not 0 (a hidden 0 protects nothing); the
    total itself when no part is left to hide."""
    shown = [
        (counts[p], i, p)
        for i, p in enumerate(parts)
        if p not in hidden and p not in unpublished and counts[p] > 0
    ]
    if shown:
        return min(shown)[2]
    if total not in hidden and total not in unpublished and counts[total] > 0:
        return total
    return None
