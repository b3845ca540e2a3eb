"""The numeric core of matching: scores, feasibility and the optimal assignment."""

import numpy as np
import pytest

from duos.matching.engine import (
    Side,
    component_factors,
    feasible_matrix,
    greedy,
    province_of,
    region_of,
    score_matrix,
    solve,
)


@pytest.mark.parametrize(
    ("postcode", "province", "region"),
    [
        (1080, 1, 1),
        (1300, 2, 3),
        (1500, 3, 2),
        (3000, 3, 2),
        (2000, 4, 2),
        (3500, 5, 2),
        (4000, 6, 3),
        (5000, 7, 3),
        (6000, 8, 3),
        (7500, 8, 3),
        (6600, 9, 3),
        (8000, 10, 2),
        (9000, 11, 2),
        (0, 0, 0),
    ],
)
def test_provinces_and_regions_from_postcodes(postcode, province, region):
    codes = np.array([postcode])
    assert province_of(codes)[0] == province
    assert region_of(codes)[0] == region


def _side(n, *, sectors, languages, postcodes, capacity=None, waiting=None, priority=None):
    return Side(
        ids=np.arange(1, n + 1),
        sectors=np.array(sectors, dtype=bool),
        languages=np.array(languages, dtype=bool),
        postcode=np.array(postcodes, dtype=np.int32),
        availability=np.zeros((n, 3), dtype=bool),
        waiting_days=np.array(waiting if waiting is not None else [0] * n, dtype=np.float32),
        priority=np.array(priority if priority is not None else [False] * n),
        capacity=np.array(capacity if capacity is not None else [1] * n, dtype=np.int32),
    )


WEIGHTS = {
    "sector": 40,
    "language": 25,
    "proximity": 15,
    "availability": 10,
    "waiting": 5,
    "priority": 5,
}


def test_scores_add_weighted_components():
    mentees = _side(
        1, sectors=[[1, 0]], languages=[[1, 1]], postcodes=[1080], waiting=[45], priority=[True]
    )
    mentors = _side(2, sectors=[[1, 0], [0, 1]], languages=[[1, 1], [1, 0]], postcodes=[1080, 9000])
    factors = component_factors(mentees, mentors)
    scores = score_matrix(factors, WEIGHTS)
    # Same sector 40 + two languages 25 + same municipality 15 + availability unknown 0
    # (nobody said when they can meet: no points) + waited 45/90 days 2.5 + priority 5.
    assert scores[0, 0] == pytest.approx(87.5)
    # Other sector 0 + one language 12.5 + other region 0 + 0 + 2.5 + 5.
    assert scores[0, 1] == pytest.approx(20.0)


def test_availability_counts_only_when_both_said_when_they_can_meet():
    mentees = _side(2, sectors=[[0, 0]] * 2, languages=[[1, 0]] * 2, postcodes=[1000, 1000])
    mentees.availability[0] = [True, False, False]  # weekday daytime
    mentors = _side(2, sectors=[[0, 0]] * 2, languages=[[1, 0]] * 2, postcodes=[1000, 1000])
    mentors.availability[0] = [True, False, False]
    factors = component_factors(mentees, mentors)["availability"]
    assert factors[0, 0] == 1  # both said, and a day-part in common
    assert factors[0, 1] == 0  # the mentor did not say
    assert factors[1, 0] == 0  # the mentee did not say


def test_no_shared_language_or_forbidden_pair_is_infeasible():
    mentees = _side(2, sectors=[[1], [1]], languages=[[1, 0], [0, 1]], postcodes=[1080, 1080])
    mentors = _side(2, sectors=[[1], [1]], languages=[[1, 0], [1, 1]], postcodes=[1080, 1080])
    feasible = feasible_matrix(mentees, mentors, forbidden_pairs={(1, 2)})
    assert feasible.tolist() == [[True, False], [False, True]]


def test_optimal_beats_greedy_where_greedy_is_short_sighted():
    # Greedy takes (0,0)=90 first and leaves mentee 1 with nothing acceptable:
    # 90 + 30 (unmatched) = 120. Optimal: (0,1)=80 + (1,0)=85 = 165.
    scores = np.array([[90, 80], [85, 10]], dtype=np.float32)
    feasible = np.ones((2, 2), dtype=bool)
    capacity = np.array([1, 1])
    best = solve(scores, feasible, capacity, min_score=30)
    base = greedy(scores, feasible, capacity, min_score=30)
    assert sorted(best.pairs) == [(0, 1), (1, 0)]
    assert best.objective == pytest.approx(165)
    assert base.objective == pytest.approx(120)
    assert base.unmatched == [1]


def test_capacity_gives_several_slots_and_is_never_exceeded():
    scores = np.array([[90], [80], [70]], dtype=np.float32)
    best = solve(scores, np.ones((3, 1), dtype=bool), np.array([2]), min_score=30)
    assert sorted(best.pairs) == [(0, 0), (1, 0)]
    assert best.unmatched == [2]


def test_poor_fits_are_left_to_a_human_and_exact_minimum_is_taken():
    scores = np.array([[29.9, 30.0]], dtype=np.float32)
    best = solve(scores, np.ones((1, 2), dtype=bool), np.array([1, 1]), min_score=30)
    assert best.pairs == [(0, 1)]
    nothing = solve(
        np.array([[29.0]], dtype=np.float32),
        np.ones((1, 1), dtype=bool),
        np.array([1]),
        min_score=30,
    )
    assert nothing.pairs == [] and nothing.unmatched == [0]
    assert nothing.objective == pytest.approx(30)


def test_forbidden_pairs_are_never_chosen_even_when_tempting():
    scores = np.array([[99, 31], [98, 10]], dtype=np.float32)
    feasible = np.array([[False, True], [True, True]])
    best = solve(scores, feasible, np.array([1, 1]), min_score=30)
    assert (0, 0) not in best.pairs
    assert sorted(best.pairs) == [(0, 1), (1, 0)]


def test_random_pools_optimal_never_below_greedy():
    rng = np.random.default_rng(7)
    for _ in range(20):
        n, m = rng.integers(1, 30, size=2)
        scores = (rng.random((n, m)) * 100).astype(np.float32)
        feasible = rng.random((n, m)) < 0.7
        capacity = rng.integers(0, 3, size=m)
        best = solve(scores, feasible, capacity, min_score=40)
        base = greedy(scores, feasible, capacity, min_score=40)
        assert best.objective >= base.objective - 1e-3
        used = np.bincount([j for _i, j in best.pairs], minlength=m)
        assert (used <= capacity).all()
        assert all(feasible[i, j] and scores[i, j] >= 40 for i, j in best.pairs)
        assert len({i for i, _j in best.pairs}) == len(best.pairs)
