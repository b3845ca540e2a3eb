"""ESF+ common indicators: each one against a hand count on a small explicit data
set; missing values; special-category data only with consent; suppression for
funders; the page and its CSV for each role; query counts."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import AccessRecord
from reporting.esf import GENDERS, indicators, shown_indicators
from tests.factories import DuoFactory, MenteeFactory, OutcomeFactory, ProgrammeFactory

D = dt.date
START, END = D(2025, 1, 1), D(2025, 12, 31)
TODAY = D(2026, 11, 30)


def _duo(programme, mentee, *, started, ended=None, reason="completed"):
    if ended is None:
        return DuoFactory(programme=programme, mentee=mentee, started_on=started)
    return DuoFactory(
        programme=programme,
        mentee=mentee,
        ended=True,
        started_on=started,
        ended_on=ended,
        end_reason=reason,
    )


def _outcome(duo, status, *, point="exit", qualification=None):
    date = duo.ended_on if point == "exit" else duo.ended_on + dt.timedelta(days=183)
    return OutcomeFactory(
        duo=duo,
        point=point,
        status=status,
        contract_type="",
        date=date,
        qualification_gained=qualification,
    )


def _mentee(programme, gender, *, consent=False, **fields):
    return MenteeFactory(
        programme=programme,
        gender=gender,
        special_consent_at=timezone.now() if consent else None,
        **fields,
    )


@pytest.fixture
def data(world):
    """Nine mentees of world.programme (world's own duos start in 2026: outside).

    A  f  entry 2025-02-01, 24, long-term unemployed, ISCED 0-2, consent: foreign,
          no disability; re-matched, left 2025-11-30 employed, qualification yes
    B  m  entry 2025-03-01, 17 (18 the next day), unemployed, ISCED 0-2, no
          consent; still in a duo
    C  nb entry 2025-04-10, 55 that day, inactive, ISCED 5-8, consent: not
          foreign, disability; left 2025-09-30 in training, qualification not known
    D  ns entry 2025-05-05, no birth date, status and education not recorded;
          left 2025-07-31 without exit outcome
    E  f  entry 2025-06-14, 34, employed, ISCED 3-4, consent without answers;
          left 2025-10-01 in an internship, no qualification
    F  m  entry 2024 (before), unemployed; left 2025-03-15 self-employed, no
          qualification; self-employed at follow-up
    G  f  entry 2025-01-10, 54, long-term unemployed, ISCED 3-4, no consent;
          left 2025-02-28, exit unknown, no follow-up outcome
    J  f  entry 2024 (before); left 2025-12-31 still searching, no qualification
    H  m  entry 2026-01-05 (after); in a duo
    """
    p = world.programme
    a = _mentee(
        p,
        "female",
        consent=True,
        birth_date=D(2000, 3, 10),
        employment_status_at_entry="long_term_unemployed",
        education_level="isced_0_2",
        migration_background=True,
        disability=False,
    )
    first = _duo(p, a, started=D(2025, 2, 1), ended=D(2025, 5, 1), reason="mismatch")
    _outcome(first, "still_searching")  # not the last duo: counts for nothing
    last = _duo(p, a, started=D(2025, 6, 1), ended=D(2025, 11, 30))
    _outcome(last, "employed", qualification=True)

    b = _mentee(
        p,
        "male",
        birth_date=D(2007, 3, 2),
        employment_status_at_entry="unemployed",
        education_level="isced_0_2",
    )
    _duo(p, b, started=D(2025, 3, 1))

    c = _mentee(
        p,
        "non_binary",
        consent=True,
        birth_date=D(1970, 4, 10),
        employment_status_at_entry="inactive",
        education_level="isced_5_8",
        migration_background=False,
        disability=True,
    )
    _outcome(_duo(p, c, started=D(2025, 4, 10), ended=D(2025, 9, 30)), "training")

    d = _mentee(p, "not_stated", birth_date=None)
    _duo(p, d, started=D(2025, 5, 5), ended=D(2025, 7, 31))  # no outcome at all

    e = _mentee(
        p,
        "female",
        consent=True,
        birth_date=D(1990, 6, 15),
        employment_status_at_entry="employed",
        education_level="isced_3_4",
    )
    _outcome(
        _duo(p, e, started=D(2025, 6, 14), ended=D(2025, 10, 1)), "internship", qualification=False
    )

    f = _mentee(p, "male", birth_date=D(1996, 1, 1), employment_status_at_entry="unemployed")
    f_duo = _duo(p, f, started=D(2024, 3, 1), ended=D(2025, 3, 15))
    _outcome(f_duo, "self_employed", qualification=False)
    _outcome(f_duo, "self_employed", point="follow_up")

    g = _mentee(
        p,
        "female",
        birth_date=D(1970, 5, 1),
        employment_status_at_entry="long_term_unemployed",
        education_level="isced_3_4",
    )
    _outcome(_duo(p, g, started=D(2025, 1, 10), ended=D(2025, 2, 28)), "unknown")

    j = _mentee(p, "female", birth_date=D(1985, 1, 1))
    j_duo = _duo(p, j, started=D(2024, 6, 1), ended=D(2025, 12, 31))
    _outcome(j_duo, "still_searching", qualification=False)

    h = _mentee(p, "male", birth_date=D(1999, 1, 1), employment_status_at_entry="unemployed")
    _duo(p, h, started=D(2026, 1, 5))

    # Not participants: a mentee only proposed, and another programme's mentee.
    DuoFactory(programme=p, proposed=True)
    DuoFactory(programme=world.other_programme, started_on=D(2025, 3, 1))
    return world


def _by_code(rows):
    return {row.code: row for row in rows}


def _split(female=0, male=0, non_binary=0, not_stated=0):
    return {"female": female, "male": male, "non_binary": non_binary, "not_stated": not_stated}


# code → (split by gender, missing), counted by hand from the table in ``data``
EXPECTED = {
    "EECO11": (_split(female=3, male=1, non_binary=1, not_stated=1), 0),  # A B C D E G
    "EECO01": (_split(female=2, male=1), 1),  # A G (long-term) B; D missing
    "EECO02": (_split(female=2), 1),  # A G
    "EECO03": (_split(non_binary=1), 1),  # C
    "EECO04": (_split(female=1), 1),  # E
    "EECO05": (_split(male=1), 1),  # B, the day before 18; D has no birth date
    "EECO06": (_split(female=1), 1),  # A
    "EECO07": (_split(non_binary=1), 1),  # C on their 55th birthday (G is 54)
    "EECO08": (_split(female=1, male=1), 1),  # A B
    "EECO09": (_split(female=2), 1),  # E G
    "EECO10": (_split(non_binary=1), 1),  # C
    "EECO14": (_split(female=1), 4),  # A; B D G without consent, E consent without answer
    "EECO12": (_split(non_binary=1), 4),  # C; same four missing
    "LEAVERS": (_split(female=4, male=1, non_binary=1, not_stated=1), 0),  # A C D E F G J
    "EECR01": (_split(female=1), 2),  # J (A's first duo does not count); D none, G unknown
    "EECR02": (_split(female=1, non_binary=1), 2),  # E internship, C training
    "EECR03": (_split(female=1), 3),  # A; C D G not known
    "EECR04": (_split(female=1, male=1), 2),  # A employed, F self-employed
    "LEAVERS_FOLLOWED": (_split(female=1, male=1), 0),  # F G (left by 2025-06-30)
    "EECR05": (_split(male=1), 1),  # F; G has no follow-up outcome
}


def test_each_indicator_equals_the_hand_count(data):
    rows = _by_code(indicators(programme=data.programme, start=START, end=END, today=TODAY))
    assert set(rows) == set(EXPECTED)
    for code, (split, missing) in EXPECTED.items():
        assert rows[code].by_gender == split, code
        assert rows[code].total == sum(split.values()), code
        assert rows[code].missing == missing, code
    assert rows["EECO11"].kind == "output"
    assert rows["EECR04"].kind == "result"
    assert rows["EECR05"].kind == "longer_term"


def test_without_special_consent_never_counted_as_foreign_background(world):
    p = world.programme
    # The database refuses a migration background without consent: the only
    # way to have an answer without consent is to withdraw the consent later.
    without = _mentee(p, "female", employment_status_at_entry="unemployed")
    _duo(p, without, started=D(2025, 3, 1))
    asked = _mentee(p, "female", consent=True, migration_background=True, disability=True)
    _duo(p, asked, started=D(2025, 3, 2))
    rows = _by_code(indicators(programme=p, start=START, end=END, today=TODAY))
    assert rows["EECO14"].total == 1 and rows["EECO14"].missing == 1
    assert rows["EECO12"].total == 1 and rows["EECO12"].missing == 1

    asked.special_consent_at = None  # consent withdrawn: the answers are erased with it
    asked.migration_background = None
    asked.disability = None
    asked.save()
    rows = _by_code(indicators(programme=p, start=START, end=END, today=TODAY))
    assert rows["EECO14"].total == 0 and rows["EECO14"].missing == 2
    assert rows["EECO12"].total == 0 and rows["EECO12"].missing == 2


def test_follow_up_counts_only_points_reached_by_the_end_and_today(data):
    early = indicators(programme=data.programme, start=START, end=END, today=D(2025, 9, 1))
    rows = _by_code(early)
    # today − 6 months = 2025-03-01: only G (left 2025-02-28) has reached it
    assert rows["LEAVERS_FOLLOWED"].by_gender == _split(female=1)
    assert rows["EECR05"].total == 0 and rows["EECR05"].missing == 1


def test_programme_horizon_is_used(data):
    data.programme.follow_up_months = 12
    data.programme.save()
    rows = _by_code(indicators(programme=data.programme, start=START, end=END, today=TODAY))
    assert rows["LEAVERS_FOLLOWED"].total == 0  # nobody left by 2024-12-31 within 2025


def test_period_boundaries(data):
    rows = _by_code(
        indicators(programme=data.programme, start=D(2025, 12, 31), end=END, today=TODAY)
    )
    assert rows["LEAVERS"].by_gender == _split(female=1)  # J, on the last day
    assert rows["EECO11"].total == 0
    rows = _by_code(
        indicators(programme=data.programme, start=D(2026, 1, 1), end=D(2026, 12, 31), today=TODAY)
    )
    assert rows["EECO11"].by_gender["male"] == 1  # H (world's own duos start in 2026 too)


def _visible_small(rows):
    """Every shown cell (not hidden) whose value is a count from 1 to 4."""
    small = []
    for row in rows:
        for cell in (row.total, row.missing, *row.by_gender.values()):
            if not cell.hidden and cell.value is not None and 1 <= cell.value <= 4:
                small.append((row.code, cell))
    return small


def test_funders_never_see_a_count_from_1_to_4(data):
    rows = indicators(programme=data.programme, start=START, end=END, today=TODAY)
    suppressed = shown_indicators(rows, full=False)
    assert _visible_small(suppressed) == []
    assert all(c.value is None for r in suppressed for c in r.by_gender.values() if c.hidden)
    full = _by_code(shown_indicators(rows, full=True))
    assert full["EECO11"].by_gender["male"].text == "1"
    assert full["EECO11"].total.text == "6"


def test_complementary_suppression_covers_totals(world):
    """12 women and 2 men unemployed at entry: the men show "<5", so the women
    are hidden too (else 14 − 12 gives the men back)."""
    p = world.programme
    for gender, count in (("female", 12), ("male", 2)):
        for _ in range(count):
            mentee = _mentee(p, gender, employment_status_at_entry="unemployed")
            _duo(p, mentee, started=D(2025, 3, 1))
    rows = _by_code(
        shown_indicators(indicators(programme=p, start=START, end=END, today=TODAY), full=False)
    )
    eeco01 = rows["EECO01"]
    assert eeco01.by_gender["male"].text == "<5"
    assert eeco01.by_gender["female"].hidden
    assert eeco01.total.text == "14"
    # the rest of the base cannot give the men back either: total participants
    # 14 = unemployed 14, so EECO11's men are hidden too
    assert rows["EECO11"].by_gender["male"].hidden
    assert rows["EECO11"].by_gender["female"].hidden
    assert _visible_small(rows.values()) == []


def test_two_queries_however_many_participants(world, django_assert_max_num_queries):
    p = world.programme
    for i in range(40):
        mentee = _mentee(
            p,
            GENDERS[i % 4],
            birth_date=D(1980 + i % 30, 1 + i % 12, 1 + i % 28),
            employment_status_at_entry=["unemployed", "inactive", "employed", ""][i % 4],
        )
        duo = _duo(p, mentee, started=D(2025, 1 + i % 6, 1), ended=D(2025, 8, 1))
        _outcome(duo, ["employed", "training", "unknown"][i % 3], qualification=i % 2 == 0)
    with django_assert_max_num_queries(2):
        rows = _by_code(indicators(programme=p, start=START, end=END, today=TODAY))
    assert rows["EECO11"].total == 40
    assert rows["LEAVERS"].total == 40


# --- the page -----------------------------------------------------------------------------


def _url(programme, **query):
    url = reverse("reporting:esf", args=[programme.uuid])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_coordinator_sees_full_counts(client, data):
    client.force_login(data.coordinator)
    response = client.get(_url(data.programme, year=2025))
    assert response.status_code == 200
    rows = _by_code(response.context["rows"])
    assert rows["EECO11"].total.text == "6"
    assert rows["EECR04"].by_gender["male"].text == "1"
    html = response.content.decode()
    assert "EECO14" in html and "Definitions" in html
    assert "&lt;5" not in html


def test_funder_sees_suppressed_cells(client, data):
    client.force_login(data.funder)
    response = client.get(_url(data.programme, year=2025))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert _visible_small(rows) == []
    html = response.content.decode()
    assert "&lt;5" in html
    # no cell of the table holds a count from 1 to 4
    for count in range(1, 5):
        assert f'<td class="num">{count}</td>' not in html


def test_evaluator_sees_suppressed_cells(client, data):
    client.force_login(data.evaluator)
    response = client.get(_url(data.programme, year=2025))
    assert response.status_code == 200
    assert _visible_small(response.context["rows"]) == []


@pytest.mark.parametrize("who", ["funder", "evaluator"])
def test_funders_choose_whole_years_only(client, data, who):
    """Free dates would let two periods a day apart give one person's counts back."""
    client.force_login(getattr(data, who))
    response = client.get(_url(data.programme, start="2025-01-01", end="2025-06-30"))
    assert response.status_code == 400
    assert "by calendar year: choose a year" in response.content.decode()
    assert "rows" not in response.context
    html = client.get(_url(data.programme)).content.decode()
    assert 'name="start"' not in html and 'name="year"' in html


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("mentor_user", 403)])
def test_others_are_refused(client, data, who, status):
    client.force_login(getattr(data, who))
    assert client.get(_url(data.programme)).status_code == status


def test_anonymous_goes_to_sign_in(client, data):
    response = client.get(_url(data.programme))
    assert response.status_code == 302
    assert "login" in response["Location"] or "sign" in response["Location"]


def test_funder_not_granted_gets_404(client, world):
    other = ProgrammeFactory()
    client.force_login(world.funder)
    assert client.get(_url(other)).status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2025-13-45", "end": "2025-12-31"}, "Enter a valid date"),
        ({"start": "2025-06-01"}, "Give both dates"),
        ({"start": "2025-12-31", "end": "2025-01-01"}, "must start on or before"),
        ({"year": "99999999999999999999999"}, "less than or equal to 2100"),
        ({"year": "abc"}, "Enter a whole number"),
    ],
)
def test_bad_period_gives_a_clear_message(client, data, query, message):
    client.force_login(data.coordinator)
    response = client.get(_url(data.programme, **query))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "rows" not in response.context


def test_horizon_warning(client, data):
    client.force_login(data.coordinator)
    assert "not the ESF" not in client.get(_url(data.programme)).content.decode()
    data.programme.follow_up_months = 12
    data.programme.save()
    html = client.get(_url(data.programme)).content.decode()
    assert "follow-up horizon is 12 months, not the ESF" in html


def _csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_for_coordinator_and_funder(client, data):
    client.force_login(data.coordinator)
    response = client.get(_url(data.programme, year=2025, format="csv"))
    assert response["Content-Type"].startswith("text/csv")
    full = {row["code"]: row for row in _csv_rows(response)}
    assert full["EECO11"]["total"] == "6" and full["EECO11"]["male"] == "1"

    client.force_login(data.funder)
    suppressed = _csv_rows(client.get(_url(data.programme, year=2025, format="csv")))
    for row in suppressed:
        for gender in GENDERS:
            assert row[gender] not in ("1", "2", "3", "4")
        assert row["total"] not in ("1", "2", "3", "4")
    assert AccessRecord.objects.filter(what=AccessRecord.What.FIGURES_EXPORT).count() == 2


def test_dashboard_links_to_the_page(client, data):
    client.force_login(data.coordinator)
    html = client.get(reverse("reporting:dashboard", args=[data.programme.uuid])).content.decode()
    assert _url(data.programme) in html


def test_page_queries_do_not_grow_with_the_data(client, world, django_assert_max_num_queries):
    p = world.programme
    for i in range(30):
        mentee = _mentee(p, GENDERS[i % 4], employment_status_at_entry="unemployed")
        _outcome(_duo(p, mentee, started=D(2025, 2, 1), ended=D(2025, 6, 1)), "employed")
    client.force_login(world.funder)
    with django_assert_max_num_queries(15):
        response = client.get(_url(p, year=2025))
    assert response.status_code == 200
    assert _by_code(response.context["rows"])["EECO11"].total.text == "30"
