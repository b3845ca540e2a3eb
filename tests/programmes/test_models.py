"""The database refuses what programmes/models.py forbids, and accepts the rows next to it.

Each violating write goes straight to the database (``create()`` or
``queryset.update()``: no ``full_clean``), so only the constraint can stop it.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from programmes.models import (
    Funding,
    MatchingWeights,
    Membership,
    Organisation,
    OrganisationKind,
    Programme,
    Region,
    Role,
)
from tests.factories import (
    FunderFactory,
    FundingFactory,
    MatchingWeightsFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)


def violates(constraint: str, sqlite_unique: str = ""):
    """``pytest.raises(IntegrityError)`` that also checks which constraint fired.

    PostgreSQL names the constraint in every message, SQLite in CHECK failures;
    for UNIQUE failures SQLite lists the columns instead (``sqlite_unique``)."""
    pattern = re.escape(constraint)
    if sqlite_unique:
        pattern += "|" + re.escape(f"UNIQUE constraint failed: {sqlite_unique}") + "$"
    return pytest.raises(IntegrityError, match=pattern)


# --- Organisation ---------------------------------------------------------------


@pytest.mark.parametrize("kind", OrganisationKind.values)
def test_organisation_every_kind_saves(db, kind):
    organisation = OrganisationFactory(kind=kind)
    organisation.refresh_from_db()
    assert organisation.kind == kind


def test_organisation_unknown_kind_is_refused(db):
    organisation = OrganisationFactory()
    with violates("organisation_kind_valid"), transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(kind="charity")
    with violates("organisation_kind_valid"), transaction.atomic():
        Organisation.objects.create(name="X", slug="x", kind="")
    organisation.refresh_from_db()
    assert organisation.kind == OrganisationKind.OPERATOR


@pytest.mark.parametrize("region", ["", *Region.values])
def test_organisation_region_blank_or_known_saves(db, region):
    organisation = OrganisationFactory(region=region)
    organisation.refresh_from_db()
    assert organisation.region == region


def test_organisation_unknown_region_is_refused(db):
    organisation = OrganisationFactory()
    with violates("organisation_region_valid"), transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(region="luxembourg")
    organisation.refresh_from_db()
    assert organisation.region == Region.BRUSSELS


def test_organisation_slug_is_unique(db):
    OrganisationFactory(slug="duo-for-a-job")
    with violates("slug", "programmes_organisation.slug"), transaction.atomic():
        OrganisationFactory(slug="duo-for-a-job")
    assert Organisation.objects.filter(slug="duo-for-a-job").count() == 1


# --- Programme ------------------------------------------------------------------


@pytest.mark.parametrize("region", Region.values)
def test_programme_known_region_saves(db, region):
    programme = ProgrammeFactory(region=region)
    programme.refresh_from_db()
    assert programme.region == region


@pytest.mark.parametrize("region", ["", "luxembourg"])
def test_programme_blank_or_unknown_region_is_refused(programme, region):
    with violates("programme_region_valid"), transaction.atomic():
        Programme.objects.filter(pk=programme.pk).update(region=region)
    programme.refresh_from_db()
    assert programme.region == Region.BRUSSELS


def test_programme_slug_is_unique(db):
    ProgrammeFactory(slug="team4job")
    with violates("slug", "programmes_programme.slug"), transaction.atomic():
        ProgrammeFactory(slug="team4job")
    assert Programme.objects.filter(slug="team4job").count() == 1


@pytest.mark.parametrize("ends_on", [None, dt.date(2020, 1, 1), dt.date(2021, 12, 31)])
def test_programme_open_or_ordered_period_saves(db, ends_on):
    programme = ProgrammeFactory(starts_on=dt.date(2020, 1, 1), ends_on=ends_on)
    programme.refresh_from_db()
    assert programme.ends_on == ends_on


def test_programme_ending_before_it_starts_is_refused(programme):
    with violates("programme_period_ordered"), transaction.atomic():
        Programme.objects.filter(pk=programme.pk).update(ends_on=dt.date(2019, 12, 31))
    with violates("programme_period_ordered"), transaction.atomic():
        ProgrammeFactory(starts_on=dt.date(2020, 6, 1), ends_on=dt.date(2020, 5, 31))
    programme.refresh_from_db()
    assert programme.ends_on is None


def test_programme_duo_length_must_be_positive(programme):
    with violates("programme_duo_length_positive"), transaction.atomic():
        Programme.objects.filter(pk=programme.pk).update(duo_length_weeks=0)
    assert ProgrammeFactory(duo_length_weeks=1).duo_length_weeks == 1
    programme.refresh_from_db()
    assert programme.duo_length_weeks == 26


@pytest.mark.parametrize("rhythm", ["0", "-1", "31.01", "32"])
def test_programme_rhythm_out_of_range_is_refused(programme, rhythm):
    with violates("programme_rhythm_positive"), transaction.atomic():
        Programme.objects.filter(pk=programme.pk).update(meetings_per_month=Decimal(rhythm))
    programme.refresh_from_db()
    assert programme.meetings_per_month == Decimal("4")


@pytest.mark.parametrize("rhythm", ["0.01", "0.5", "2", "4", "31"])
def test_programme_rhythm_in_range_saves(db, rhythm):
    programme = ProgrammeFactory(meetings_per_month=Decimal(rhythm))
    programme.refresh_from_db()
    assert programme.meetings_per_month == Decimal(rhythm)


@pytest.mark.parametrize(
    ("min_age", "max_age"), [(None, None), (18, None), (None, 30), (18, 30), (25, 25)]
)
def test_programme_open_or_ordered_mentee_ages_save(db, min_age, max_age):
    programme = ProgrammeFactory(mentee_min_age=min_age, mentee_max_age=max_age)
    programme.refresh_from_db()
    assert (programme.mentee_min_age, programme.mentee_max_age) == (min_age, max_age)


def test_programme_mentee_max_age_below_min_is_refused(programme):
    with violates("programme_mentee_ages_ordered"), transaction.atomic():
        Programme.objects.filter(pk=programme.pk).update(mentee_min_age=30, mentee_max_age=29)
    programme.refresh_from_db()
    assert programme.mentee_min_age is None
    assert programme.mentee_max_age is None


@pytest.mark.parametrize("months", [0, 61, 120])
def test_programme_follow_up_out_of_range_is_refused(programme, months):
    with violates("programme_follow_up_in_range"), transaction.atomic():
        Programme.objects.filter(pk=programme.pk).update(follow_up_months=months)
    programme.refresh_from_db()
    assert programme.follow_up_months == 6


@pytest.mark.parametrize("months", [1, 6, 12, 60])
def test_programme_follow_up_in_range_saves(db, months):
    programme = ProgrammeFactory(follow_up_months=months)
    programme.refresh_from_db()
    assert programme.follow_up_months == months


def test_programme_follow_up_defaults_to_six_months(db):
    """DESIGN.md: the ESF's "six months after leaving"."""
    programme = Programme.objects.create(
        operator=OrganisationFactory(),
        name="Mentoring naar Werk",
        slug="mentoring-naar-werk",
        region=Region.FLANDERS,
        starts_on=dt.date(2024, 1, 1),
    )
    programme.refresh_from_db()
    assert programme.follow_up_months == 6
    assert programme.duo_length_weeks == 26
    assert programme.retention_years == 5


def test_programme_retention_must_be_positive(programme):
    with violates("programme_retention_positive"), transaction.atomic():
        Programme.objects.filter(pk=programme.pk).update(retention_years=0)
    assert ProgrammeFactory(retention_years=1).retention_years == 1
    programme.refresh_from_db()
    assert programme.retention_years == 5


@pytest.mark.parametrize(
    ("rhythm", "days"),
    [("4", 7.5), ("2", 15.0), ("1", 30.0), ("0.5", 60.0), ("30", 1.0), ("4.33", 30 / 4.33)],
)
def test_programme_expected_interval_days(rhythm, days):
    programme = Programme(meetings_per_month=Decimal(rhythm))
    assert programme.expected_interval_days == pytest.approx(days)
    assert isinstance(programme.expected_interval_days, float)


def test_programme_expected_interval_days_after_a_round_trip(db):
    programme = ProgrammeFactory(meetings_per_month=Decimal("2"))
    programme = Programme.objects.get(pk=programme.pk)
    assert programme.expected_interval_days == 15.0


# --- MatchingWeights ------------------------------------------------------------


def test_weights_version_unique_within_programme(programme):
    MatchingWeightsFactory(programme=programme, version=1)
    with (
        violates(
            "weights_version_unique",
            "programmes_matchingweights.programme_id, programmes_matchingweights.version",
        ),
        transaction.atomic(),
    ):
        MatchingWeightsFactory(programme=programme, version=1)
    assert MatchingWeights.objects.filter(programme=programme).count() == 1


def test_weights_same_version_in_another_programme_and_next_version_save(programme):
    MatchingWeightsFactory(programme=programme, version=1)
    MatchingWeightsFactory(programme=programme, version=2)
    MatchingWeightsFactory(programme=ProgrammeFactory(), version=1)
    assert MatchingWeights.objects.filter(version=1).count() == 2
    assert list(
        MatchingWeights.objects.filter(programme=programme).values_list("version", flat=True)
    ) == [2, 1]


def test_weights_min_score_above_100_is_refused(db):
    weights = MatchingWeightsFactory()
    with violates("weights_min_score_in_range"), transaction.atomic():
        MatchingWeights.objects.filter(pk=weights.pk).update(min_score=101)
    weights.refresh_from_db()
    assert weights.min_score == 30


@pytest.mark.parametrize("score", [0, 30, 100])
def test_weights_min_score_in_range_saves(db, score):
    weights = MatchingWeightsFactory(min_score=score)
    weights.refresh_from_db()
    assert weights.min_score == score


# --- Funding --------------------------------------------------------------------


def test_funding_negative_amount_is_refused(db):
    funding = FundingFactory()
    with violates("funding_amount_not_negative"), transaction.atomic():
        Funding.objects.filter(pk=funding.pk).update(amount=Decimal("-0.01"))
    funding.refresh_from_db()
    assert funding.amount == Decimal("100000.00")


def test_funding_zero_amount_saves(db):
    funding = FundingFactory(amount=Decimal("0"))
    funding.refresh_from_db()
    assert funding.amount == Decimal("0")


def test_funding_ending_before_it_starts_is_refused(db):
    funding = FundingFactory()
    with violates("funding_period_ordered"), transaction.atomic():
        Funding.objects.filter(pk=funding.pk).update(ends_on=dt.date(2024, 12, 31))
    with violates("funding_period_ordered"), transaction.atomic():
        FundingFactory(starts_on=dt.date(2025, 1, 2), ends_on=dt.date(2025, 1, 1))
    funding.refresh_from_db()
    assert funding.ends_on == dt.date(2025, 12, 31)


def test_funding_of_a_single_day_saves(db):
    funding = FundingFactory(starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 1, 1))
    funding.refresh_from_db()
    assert funding.starts_on == funding.ends_on


@pytest.mark.parametrize(
    ("amount", "target", "cost"),
    [
        ("100000.00", 50, Decimal("2000.00")),
        # DESIGN.md: Brussels, 7,762,500 EUR for 855 duos (9,078.947…).
        ("7762500", 855, Decimal("9078.95")),
        # Mentoring naar Werk: 3.1 M EUR, ~800 jobseekers (3,875 exactly).
        ("3100000", 800, Decimal("3875.00")),
        ("100", 3, Decimal("33.33")),
        ("200", 3, Decimal("66.67")),
        ("0", 10, Decimal("0.00")),
    ],
)
def test_funding_planned_cost_per_duo(amount, target, cost):
    funding = Funding(amount=Decimal(amount), target_duos=target)
    assert funding.planned_cost_per_duo == cost
    assert funding.planned_cost_per_duo.as_tuple().exponent == -2


def test_funding_planned_cost_per_duo_without_target_is_none():
    assert Funding(amount=Decimal("1000"), target_duos=0).planned_cost_per_duo is None
    assert Funding(amount=Decimal("1000"), target_duos=None).planned_cost_per_duo is None


def test_funding_planned_cost_per_duo_from_the_database(db):
    funding = FundingFactory(amount=Decimal("7762500.00"), target_duos=855)
    funding = Funding.objects.get(pk=funding.pk)
    assert funding.planned_cost_per_duo == Decimal("9078.95")


# --- Membership -----------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_membership_every_role_saves(db, role):
    membership = MembershipFactory(role=role)
    membership.refresh_from_db()
    assert membership.role == role


@pytest.mark.parametrize("role", ["", "admin", "mentor"])
def test_membership_unknown_role_is_refused(db, role):
    membership = MembershipFactory()
    with violates("membership_role_valid"), transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(role=role)
    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR


_LIVE_ROLE = (
    "membership_one_live_role_per_organisation",
    "programmes_membership.user_id, programmes_membership.organisation_id, "
    "programmes_membership.role",
)


def test_membership_one_live_role_per_user_and_organisation(db):
    first = MembershipFactory(role=Role.COACH)
    with violates(*_LIVE_ROLE), transaction.atomic():
        MembershipFactory(user=first.user, organisation=first.organisation, role=Role.COACH)
    assert Membership.objects.filter(user=first.user).count() == 1


def test_membership_reviving_a_revoked_role_while_a_live_one_exists_is_refused(db):
    live = MembershipFactory(role=Role.COACH)
    revoked = MembershipFactory(
        user=live.user, organisation=live.organisation, role=Role.COACH, revoked_at=timezone.now()
    )
    with violates(*_LIVE_ROLE), transaction.atomic():
        Membership.objects.filter(pk=revoked.pk).update(revoked_at=None)
    revoked.refresh_from_db()
    assert revoked.revoked_at is not None


def test_membership_revoked_roles_may_repeat_and_other_roles_coexist(db):
    user, organisation = UserFactory(), OrganisationFactory()
    for _ in range(2):
        MembershipFactory(
            user=user, organisation=organisation, role=Role.COACH, revoked_at=timezone.now()
        )
    MembershipFactory(user=user, organisation=organisation, role=Role.COACH)
    MembershipFactory(user=user, organisation=organisation, role=Role.COORDINATOR)
    MembershipFactory(user=user, organisation=OrganisationFactory(), role=Role.COACH)
    MembershipFactory(organisation=organisation, role=Role.COACH)
    assert Membership.objects.filter(user=user, revoked_at__isnull=True).count() == 3
    assert Membership.objects.filter(user=user, revoked_at__isnull=False).count() == 2


def test_membership_grants_programmes(db):
    programme = ProgrammeFactory()
    membership = MembershipFactory(
        organisation=FunderFactory(), role=Role.FUNDER, programmes=[programme]
    )
    assert list(Membership.objects.get(pk=membership.pk).programmes.all()) == [programme]
