"""Matching mentees and mentors (DESIGN.md "Matching"): the numeric core.

Everything here works on plain arrays, so that the whole pool is scored at
once (numpy) and solved optimally (scipy's linear_sum_assignment); the Django
side (``duos.matching_runs``) turns rows into these arrays and back.

Score of a pair, 0–100: sum over components of weight × factor, factors in
[0, 1], weights summing to 100:
- sector: the mentee's wanted sectors meet the mentor's experience (1 or 0);
- language: shared languages, one → 0.5, two or more → 1 (none: forbidden);
- proximity: same municipality 1, same province 0.6, same region 0.3;
- availability: shared day-parts 1, none in common 0, unknown (either side
  did not say) 0 — no points for what nobody was asked;
- waiting: days waited ÷ 90, at most 1;
- priority: the mentee's priority flag.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

COMPONENTS = ("sector", "language", "proximity", "availability", "waiting", "priority")
WAITING_FULL_DAYS = 90
# Score of a forbidden pair: finite (scipy refuses infinities in an infeasible
# matrix) and far below any real score.
FORBIDDEN = -1.0e6


@dataclass
class Side:
    """One side of the pool as arrays (row i = person i)."""

    ids: np.ndarray  # int64 database ids
    sectors: np.ndarray  # bool (n × sectors vocabulary)
    languages: np.ndarray  # bool (n × languages vocabulary)
    postcode: np.ndarray  # int32, 0 when unknown
    availability: np.ndarray  # bool (n × day-parts); all False when unknown
    waiting_days: np.ndarray = field(default_factory=lambda: np.zeros(0))  # mentees only
    priority: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    capacity: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))  # mentors


def province_of(postcode: np.ndarray) -> np.ndarray:
    """Belgian provinces from postcode ranges (0 = unknown)."""
    bounds = [1000, 1300, 1500, 2000, 3000, 3500, 4000, 5000, 6000, 6600, 7000, 8000, 9000, 10000]
    # 1000–1299 Brussels, 1300–1499 Walloon Brabant, 1500–1999 + 3000–3499
    # Flemish Brabant, 2000 Antwerp, 3500 Limburg, 4000 Liège, 5000 Namur,
    # 6000–6599 + 7000–7999 Hainaut, 6600–6999 Luxembourg, 8000 West and
    # 9000 East Flanders.
    codes = np.array([1, 2, 3, 4, 3, 5, 6, 7, 8, 9, 8, 10, 11])
    index = np.searchsorted(bounds, postcode, side="right") - 1
    known = (postcode >= 1000) & (postcode <= 9999)
    return np.where(known, codes[np.clip(index, 0, len(codes) - 1)], 0)


REGION_OF_PROVINCE = np.array([0, 1, 3, 2, 2, 2, 3, 3, 3, 3, 2, 2])  # 1 BXL, 2 VL, 3 WAL


def region_of(postcode: np.ndarray) -> np.ndarray:
    return REGION_OF_PROVINCE[province_of(postcode)]


def component_factors(mentees: Side, mentors: Side) -> dict[str, np.ndarray]:
    """Each component's factor for every pair, as n × m float32 matrices."""
    f32 = np.float32
    shared_sectors = mentees.sectors.astype(f32) @ mentors.sectors.T.astype(f32)
    shared_languages = mentees.languages.astype(f32) @ mentors.languages.T.astype(f32)
    pc_a, pc_b = mentees.postcode[:, None], mentors.postcode[None, :]
    prov_a, prov_b = province_of(mentees.postcode)[:, None], province_of(mentors.postcode)[None, :]
    reg_a, reg_b = region_of(mentees.postcode)[:, None], region_of(mentors.postcode)[None, :]
    proximity = np.select(
        [
            (pc_a == pc_b) & (pc_a > 0),
            (prov_a == prov_b) & (prov_a > 0),
            (reg_a == reg_b) & (reg_a > 0),
        ],
        [f32(1.0), f32(0.6), f32(0.3)],
        default=f32(0.0),
    ).astype(f32)
    shared_slots = mentees.availability.astype(f32) @ mentors.availability.T.astype(f32)
    known = mentees.availability.any(axis=1)[:, None] & mentors.availability.any(axis=1)[None, :]
    availability = np.where(known, (shared_slots > 0).astype(f32), f32(0))
    n, m = len(mentees.ids), len(mentors.ids)
    waiting = np.minimum(mentees.waiting_days / WAITING_FULL_DAYS, 1.0).astype(f32)
    return {
        "sector": (shared_sectors > 0).astype(f32),
        "language": np.minimum(shared_languages, 2).astype(f32) / 2,
        "proximity": proximity,
        "availability": availability,
        "waiting": np.broadcast_to(waiting[:, None], (n, m)),
        "priority": np.broadcast_to(mentees.priority.astype(f32)[:, None], (n, m)),
    }


def score_matrix(factors: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    scores = np.zeros(next(iter(factors.values())).shape, dtype=np.float32)
    for name in COMPONENTS:
        scores += np.float32(weights.get(name, 0)) * factors[name]
    return scores


def feasible_matrix(
    mentees: Side, mentors: Side, *, forbidden_pairs: set[tuple[int, int]] = frozenset()
) -> np.ndarray:
    """Pairs that may be proposed: a shared language and not a forbidden pair."""
    shared = (mentees.languages.astype(np.uint8) @ mentors.languages.T.astype(np.uint8)) > 0
    if forbidden_pairs:
        row = {pk: i for i, pk in enumerate(mentees.ids.tolist())}
        col = {pk: j for j, pk in enumerate(mentors.ids.tolist())}
        for mentee_id, mentor_id in forbidden_pairs:
            if mentee_id in row and mentor_id in col:
                shared[row[mentee_id], col[mentor_id]] = False
    return shared


@dataclass
class Assignment:
    pairs: list[tuple[int, int]]  # (mentee row, mentor row)
    objective: float  # matched scores + min_score for each unmatched mentee
    unmatched: list[int]


def _objective(scores, pairs, n_rows, min_score) -> float:
    matched = float(sum(scores[i, j] for i, j in pairs))
    return matched + min_score * (n_rows - len(pairs))


def solve(
    scores: np.ndarray, feasible: np.ndarray, capacity: np.ndarray, *, min_score: float
) -> Assignment:
    """The assignment of mentees to mentor slots that maximises the total score,
    where leaving a mentee unmatched is worth ``min_score`` (so a pair below it
    is never forced). One column per free slot of each mentor."""
    n = scores.shape[0]
    acceptable = feasible & (scores >= np.float32(min_score))
    # Gain over leaving the mentee unmatched (a pair at exactly min_score is taken).
    gain = np.where(acceptable, scores - np.float32(min_score) + np.float32(1e-3), FORBIDDEN)
    candidates = np.flatnonzero(acceptable.any(axis=1))  # mentees with at least one option
    slots = np.repeat(np.arange(scores.shape[1]), np.maximum(capacity, 0))
    matrix = gain[np.ix_(candidates, slots)].astype(np.float64)
    # One "leave unmatched" column per candidate, worth min_score (gain 0).
    matrix = np.hstack([matrix, np.zeros((len(candidates), len(candidates)))])
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    pairs = [
        (int(candidates[r]), int(slots[c]))
        for r, c in zip(rows, cols, strict=True)
        if c < len(slots) and matrix[r, c] > 0
    ]
    matched = {i for i, _j in pairs}
    return Assignment(
        pairs=pairs,
        objective=_objective(scores, pairs, n, min_score),
        unmatched=[i for i in range(n) if i not in matched],
    )


def greedy(
    scores: np.ndarray, feasible: np.ndarray, capacity: np.ndarray, *, min_score: float
) -> Assignment:
    """The baseline: best remaining pair first. Same objective as ``solve``."""
    n = scores.shape[0]
    acceptable = feasible & (scores >= min_score)
    flat = np.flatnonzero(acceptable)
    order = flat[np.argsort(-scores.ravel()[flat], kind="stable")]
    free = capacity.astype(np.int64).copy()
    taken = np.zeros(n, dtype=bool)
    pairs = []
    for index in order:
        i, j = divmod(int(index), scores.shape[1])
        if not taken[i] and free[j] > 0:
            taken[i] = True
            free[j] -= 1
            pairs.append((i, j))
    return Assignment(
        pairs=pairs,
        objective=_objective(scores, pairs, n, min_score),
        unmatched=[i for i in range(n) if not taken[i]],
    )
