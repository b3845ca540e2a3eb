"""Benchmark of whole-pool matching: scoring (numpy) and the optimal assignment
(scipy) against a greedy baseline on the same objective.

    .venv/bin/python bench/matching.py            # 1,000 × 1,000 and 5,000 × 5,000
    .venv/bin/python bench/matching.py 2000 2000  # any size

Synthetic pools shaped like real ones: Brussels-heavy postcodes, 2–3
languages out of 8 (French and Dutch common), 1–3 sectors out of 13, mentor
capacity 1–2, waiting times up to 6 months, 5 % priority mentees."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from duos.matching.engine import (  # noqa: E402
    Side,
    component_factors,
    feasible_matrix,
    greedy,
    score_matrix,
    solve,
)

WEIGHTS = {
    "sector": 40,
    "language": 25,
    "proximity": 15,
    "availability": 10,
    "waiting": 5,
    "priority": 5,
}
MIN_SCORE = 30
POSTCODES = np.array(
    [1000, 1030, 1040, 1050, 1060, 1070, 1080, 1090, 1140, 1180, 1210, 2000, 2060, 9000, 4000]
)
POSTCODE_P = np.array([8, 10, 6, 6, 7, 9, 10, 6, 4, 4, 6, 8, 4, 8, 4], dtype=float)
LANGUAGE_P = np.array([0.8, 0.45, 0.5, 0.3, 0.1, 0.05, 0.05, 0.05])


def _side(rng: np.random.Generator, n: int, *, mentors: bool) -> Side:
    sectors = rng.random((n, 13)) < (0.12 if mentors else 0.1)
    languages = rng.random((n, len(LANGUAGE_P))) < LANGUAGE_P
    languages[~languages.any(axis=1), 0] = True  # everyone speaks something
    availability = rng.random((n, 3)) < 0.5
    availability[rng.random(n) < 0.3] = False  # unknown for some
    return Side(
        ids=np.arange(1, n + 1, dtype=np.int64),
        sectors=sectors,
        languages=languages,
        postcode=rng.choice(POSTCODES, size=n, p=POSTCODE_P / POSTCODE_P.sum()).astype(np.int32),
        availability=availability,
        waiting_days=rng.integers(0, 180, size=n).astype(np.float32),
        priority=rng.random(n) < 0.05,
        capacity=rng.integers(1, 3, size=n).astype(np.int32),
    )


def run(n_mentees: int, n_mentors: int, seed: int = 2026) -> dict:
    rng = np.random.default_rng(seed)
    mentees, mentors = _side(rng, n_mentees, mentors=False), _side(rng, n_mentors, mentors=True)
    forbidden = {
        (int(a), int(b)) for a, b in rng.integers(1, min(n_mentees, n_mentors), size=(50, 2))
    }
    started = time.perf_counter()
    factors = component_factors(mentees, mentors)
    scores = score_matrix(factors, WEIGHTS)
    feasible = feasible_matrix(mentees, mentors, forbidden_pairs=forbidden)
    scored = time.perf_counter()
    optimal = solve(scores, feasible, mentors.capacity, min_score=MIN_SCORE)
    solved = time.perf_counter()
    baseline = greedy(scores, feasible, mentors.capacity, min_score=MIN_SCORE)
    greedy_done = time.perf_counter()
    assert optimal.objective >= baseline.objective - 1e-3, "optimal must not lose to greedy"
    return {
        "size": f"{n_mentees:,} × {n_mentors:,}",
        "slots": int(mentors.capacity.sum()),
        "score_s": scored - started,
        "solve_s": solved - scored,
        "total_s": solved - started,
        "greedy_s": greedy_done - solved,
        "matched": len(optimal.pairs),
        "greedy_matched": len(baseline.pairs),
        "objective": optimal.objective,
        "greedy_objective": baseline.objective,
    }


def main() -> None:
    sizes = (
        [(int(sys.argv[1]), int(sys.argv[2]))]
        if len(sys.argv) == 3
        else [(1000, 1000), (5000, 5000)]
    )
    columns = ["pool", "slots", "score (s)", "solve (s)", "end to end (s)", "matched"]
    columns += ["objective", "greedy objective", "greedy matched"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for n, m in sizes:
        r = run(n, m)
        cells = [r["size"], f"{r['slots']:,}", f"{r['score_s']:.2f}", f"{r['solve_s']:.2f}"]
        cells += [f"{r['total_s']:.2f}", f"{r['matched']:,}", f"{r['objective']:,.1f}"]
        cells += [f"{r['greedy_objective']:,.1f}", f"{r['greedy_matched']:,}"]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
