"""The rates engine against hand-made trajectories (DESIGN.md is the contract)."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from duos.models import Duo, Outcome
from reporting.rates import programme_rows
from tests.factories import DuoFactory, MenteeFactory, OutcomeFactory, ProgrammeFactory

TODAY = dt.date(2026, 11, 23)


def _duo(programme, *, start, end=None, reason="completed", exit=None, follow_up=None, mentee=None):
    kwargs = {"programme": programme, "started_on": start, "planned_end_on": None}
    if mentee is not None:
        kwargs["mentee"] = mentee
    if end is None:
        duo = DuoFactory(**kwargs)
    else:
        duo = DuoFactory(ended=True, ended_on=end, end_reason=reason, **kwargs)
    if exit:
        OutcomeFactory(duo=duo, point="exit", status=exit, contract_type="", date=end)
    if follow_up:
        OutcomeFactory(duo=duo, point="follow_up", status=follow_up, contract_type="", date=end)
    return duo


def _row(rows, *, cohort=None, point="exit", denominator="completed"):
    return next(
        r
        for r in rows
        if (r["cohort"], r["point"], r["denominator"]) == (cohort, point, denominator)
    )


@pytest.fixture
def programme(db):
    return ProgrammeFactory(follow_up_months=6)


def test_denominators_groups_and_unknown(programme):
    _duo(programme, start=dt.date(2024, 1, 10), end=dt.date(2024, 7, 10), exit="employed")
    _duo(
        programme,
        start=dt.date(2024, 2, 1),
        end=dt.date(2024, 5, 1),
        reason="goal_reached",
        exit="internship",
    )
    _duo(
        programme,
        start=dt.date(2024, 3, 1),
        end=dt.date(2024, 4, 1),
        reason="mentee_withdrew",
        exit="inactive",
    )
    _duo(programme, start=dt.date(2024, 3, 5), end=dt.date(2024, 9, 5))  # no outcome: unknown
    _duo(programme, start=dt.date(2026, 9, 1))  # still active: in no denominator
    rows = programme_rows(programme, today=TODAY)
    completed = _row(rows)
    assert completed["n"] == 3
    assert completed["counts"] == {
        "employed": 1,
        "self_employed": 0,
        "training": 0,
        "studies": 0,
        "internship": 1,
        "still_searching": 0,
        "inactive": 0,
        "unknown": 1,
    }
    assert completed["rates"]["employed"] == pytest.approx(1 / 3)
    assert completed["rates"]["positive"] == pytest.approx(2 / 3)
    assert completed["rates"]["other"] == pytest.approx(1 / 3)
    assert completed["unknown_share"] == pytest.approx(1 / 3)
    started = _row(rows, denominator="started")
    assert started["n"] == 4
    assert started["counts"]["inactive"] == 1
    assert started["rates"]["positive"] == pytest.approx(2 / 4)


def test_the_last_duo_decides_and_the_first_start_gives_the_cohort(programme):
    mentee = MenteeFactory(programme=programme)
    _duo(
        programme,
        mentee=mentee,
        start=dt.date(2023, 11, 1),
        end=dt.date(2024, 1, 5),
        reason="mismatch",
        exit="still_searching",
    )
    _duo(
        programme,
        mentee=mentee,
        start=dt.date(2024, 2, 1),
        end=dt.date(2024, 8, 1),
        exit="employed",
    )
    rows = programme_rows(programme, today=TODAY)
    assert _row(rows, cohort=2023, denominator="started")["n"] == 1
    assert _row(rows, cohort=2023)["counts"]["employed"] == 1
    assert _row(rows, cohort=2023)["counts"]["still_searching"] == 0
    assert not [r for r in rows if r["cohort"] == 2024]


def test_a_rematched_trajectory_whose_new_duo_is_active_leaves_the_denominators(programme):
    mentee = MenteeFactory(programme=programme)
    _duo(
        programme,
        mentee=mentee,
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 3, 1),
        reason="mismatch",
        exit="still_searching",
    )
    _duo(programme, mentee=mentee, start=dt.date(2026, 10, 1))
    assert _row(programme_rows(programme, today=TODAY), denominator="started")["n"] == 0


def test_follow_up_is_provisional_until_every_trajectory_reached_its_horizon(programme):
    _duo(
        programme,
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 7, 1),
        exit="employed",
        follow_up="employed",
    )
    recent = _duo(programme, start=dt.date(2026, 1, 1), end=dt.date(2026, 7, 1), exit="training")
    rows = programme_rows(programme, today=TODAY)
    assert _row(rows, point="follow_up")["provisional"] is True  # 2026-07-01 + 6 months > today
    assert _row(rows, point="exit")["provisional"] is False
    assert _row(rows, cohort=2025, point="follow_up")["provisional"] is False
    Duo.objects.filter(pk=recent.pk).update(ended_on=dt.date(2026, 5, 20))
    assert _row(programme_rows(programme, today=TODAY), point="follow_up")["provisional"] is False


def test_empty_programme_has_null_rates_and_every_key(programme):
    rows = programme_rows(programme, today=TODAY)
    assert len(rows) == 4  # all cohorts × 2 points × 2 denominators
    for row in rows:
        assert row["n"] == 0
        assert list(row["counts"]) == [
            "employed",
            "self_employed",
            "training",
            "studies",
            "internship",
            "still_searching",
            "inactive",
            "unknown",
        ]
        assert list(row["rates"]) == [
            "employed",
            "training",
            "internship",
            "positive",
            "still_searching",
            "other",
        ]
        assert all(v is None for v in row["rates"].values()) and row["unknown_share"] is None


def test_proposed_and_declined_duos_are_not_trajectories(programme):
    DuoFactory(programme=programme, proposed=True)
    DuoFactory(programme=programme, proposed=True, status="declined", decline_reason="no")
    assert _row(programme_rows(programme, today=TODAY), denominator="started")["n"] == 0


def test_one_query_whatever_the_data(programme, django_assert_num_queries):
    for year in (2022, 2023, 2024):
        for _ in range(5):
            _duo(programme, start=dt.date(year, 3, 1), end=dt.date(year, 9, 1), exit="employed")
    with django_assert_num_queries(1):
        rows = programme_rows(programme, today=TODAY)
    assert [r["cohort"] for r in rows[::4]] == [None, 2022, 2023, 2024]


def test_team4job_published_figures(programme):
    """171 duos started, 152 completed, 77 found work (69 employed + 8 restarted an activity)."""
    start, end = dt.date(2019, 1, 7), dt.date(2019, 7, 7)
    statuses = ["employed"] * 69 + ["self_employed"] * 8 + ["training"] * 18 + ["studies"] * 7
    statuses += ["internship"] * 12 + ["still_searching"] * 33 + [None] * 5
    for status in statuses:
        _duo(programme, start=start, end=end, exit=status)
    for _ in range(19):
        _duo(programme, start=start, end=dt.date(2019, 3, 1), reason="mentee_withdrew")
    rows = programme_rows(programme, today=TODAY)
    completed, started = _row(rows), _row(rows, denominator="started")
    assert (completed["n"], started["n"]) == (152, 171)
    assert completed["rates"]["employed"] == pytest.approx(77 / 152)
    assert round(completed["rates"]["employed"] * 100, 2) == 50.66
    assert round(started["rates"]["employed"] * 100, 2) == 45.03
    assert completed["rates"]["positive"] == pytest.approx(0.75)


def test_programme_rates_command_prints_only_the_json_list(programme):
    other = ProgrammeFactory(slug="aaa-first")
    _duo(programme, start=dt.date(2024, 1, 1), end=dt.date(2024, 6, 1), exit="employed")
    out = io.StringIO()
    call_command("programme_rates", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [r["programme"] for r in rows[:4]] == [other.slug] * 4
    keys = [
        "programme",
        "cohort",
        "point",
        "denominator",
        "n",
        "counts",
        "rates",
        "unknown_share",
        "provisional",
        "computed_at",
    ]
    assert all(list(r) == keys for r in rows)
    ours = [r for r in rows if r["programme"] == programme.slug]
    assert [(r["cohort"], r["point"], r["denominator"]) for r in ours] == [
        (None, "exit", "completed"),
        (None, "exit", "started"),
        (None, "follow_up", "completed"),
        (None, "follow_up", "started"),
        (2024, "exit", "completed"),
        (2024, "exit", "started"),
        (2024, "follow_up", "completed"),
        (2024, "follow_up", "started"),
    ]
    assert ours[0]["rates"]["employed"] == 1.0
    assert ours[0]["computed_at"].endswith(("+01:00", "+02:00"))
    out = io.StringIO()
    call_command("programme_rates", "--json", "--programme", programme.slug, stdout=out)
    assert {r["programme"] for r in json.loads(out.getvalue())} == {programme.slug}


def test_unknown_programme_is_an_error(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No programme"):
        call_command("programme_rates", "--json", "--programme", "nope")


def test_outcome_statuses_match_the_contract():
    assert list(Outcome.Status.values) == [
        "employed",
        "self_employed",
        "training",
        "studies",
        "internship",
        "still_searching",
        "inactive",
        "unknown",
    ]
