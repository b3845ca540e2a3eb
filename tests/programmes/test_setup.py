"""Programme set-up in the app (issue 15, part 1): the programme and its rules
with their versions, fundings, organisations, matching weights, and the
programme page that shows the rules in words."""

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from duos import selectors as duo_selectors
from duos import services as duo_services
from duos.models import Duo
from duos.rules import duo_rules
from duos.services.history import duo_record_past
from duos.services.outcomes import follow_up_date
from programmes import selectors, services
from programmes.models import (
    Funding,
    MatchingWeights,
    Organisation,
    OrganisationKind,
    Programme,
    Role,
    RulesVersion,
)
from tests import factories

pytestmark = pytest.mark.django_db

FORM = {
    "name": "DUO Liège 2027",
    "slug": "duo-liege-2027",
    "region": "wallonia",
    "starts_on": "2027-01-01",
    "ends_on": "2027-12-31",
    "sites": "Liège\n\n  Seraing \nLiège\n",
    "languages": ["fr", "nl"],
    "mentee_min_age": "18",
    "mentee_max_age": "29",
    "mentee_migration_background_required": "on",
    "mentee_education_levels": ["isced_0_2"],
    "mentor_min_age": "50",
    "mentor_min_experience_years": "10",
    "training_required": "on",
    "coach_assigned": "on",
    "duo_length_weeks": "26",
    "meetings_per_month": "4",
    "follow_up_months": "6",
    "yearly_duo_target": "120",
    "retention_years": "5",
}


def _form_of(programme: Programme, **changes) -> dict:
    """The edit form as the page fills it, with ``changes``."""
    data = {
        **FORM,
        "name": programme.name,
        "slug": programme.slug,
        "region": programme.region,
        "starts_on": programme.starts_on.isoformat(),
        "ends_on": programme.ends_on.isoformat() if programme.ends_on else "",
        "sites": "\n".join(programme.sites),
        "languages": programme.languages,
        "mentee_min_age": programme.mentee_min_age or "",
        "mentee_max_age": programme.mentee_max_age or "",
        "mentee_education_levels": programme.mentee_education_levels,
        "mentor_min_age": programme.mentor_min_age or "",
        "mentor_min_experience_years": programme.mentor_min_experience_years or "",
        "duo_length_weeks": programme.duo_length_weeks,
        "meetings_per_month": programme.meetings_per_month,
        "follow_up_months": programme.follow_up_months,
        "yearly_duo_target": programme.yearly_duo_target or "",
        "retention_years": programme.retention_years,
    }
    for flag in (
        "mentee_migration_background_required",
        "training_required",
        "coach_assigned",
    ):
        data.pop(flag, None)
        if getattr(programme, flag):
            data[flag] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def as_coordinator(client, world):
    client.force_login(world.coordinator)
    return client


# --- who may open what -----------------------------------------------------------------


def _urls(world):
    funding = factories.FundingFactory(programme=world.programme)
    p = world.programme.uuid
    return [
        reverse("programmes:programme_list"),
        reverse("programmes:programme_create"),
        reverse("programmes:programme_edit", args=[p]),
        reverse("programmes:fundings", args=[p]),
        reverse("programmes:organisation_create", args=[p]),
        reverse("programmes:funding_edit", args=[funding.uuid]),
    ]


def test_anonymous_go_to_sign_in(client, world):
    for url in _urls(world):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_other_roles_are_refused(client, world):
    urls = _urls(world)
    for who in ("coach", "funder", "evaluator", "mentor_user"):
        client.force_login(getattr(world, who))
        for url in urls:
            assert client.get(url).status_code == 403, (who, url)
            assert client.post(url, FORM).status_code == 403, (who, url)
    assert Programme.objects.filter(slug=FORM["slug"]).count() == 0


def test_outsiders_get_404_and_change_nothing(client, world):
    funding = factories.FundingFactory(programme=world.programme, amount=Decimal("1234"))
    client.force_login(world.outsider)
    p = world.programme.uuid
    for url in (
        reverse("programmes:programme_edit", args=[p]),
        reverse("programmes:fundings", args=[p]),
        reverse("programmes:organisation_create", args=[p]),
        reverse("programmes:funding_edit", args=[funding.uuid]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {**FORM, "amount": "1"}).status_code == 404, url
    funding.refresh_from_db()
    assert funding.amount == Decimal("1234")
    # Their own list does not show this programme.
    page = client.get(reverse("programmes:programme_list")).content.decode()
    assert world.programme.name not in page
    assert world.other_programme.name in page


# --- creating a programme --------------------------------------------------------------


def test_coordinator_creates_a_programme_with_rules_v1_and_weights_v1(as_coordinator, world):
    operator = world.programme.operator
    response = as_coordinator.post(
        reverse("programmes:programme_create"), {**FORM, "operator": operator.pk}
    )
    assert response.status_code == 302
    programme = Programme.objects.get(slug="duo-liege-2027")
    assert response["Location"] == reverse("duos:programme", args=[programme.uuid])
    assert programme.operator == operator
    assert programme.sites == ["Liège", "Seraing"]
    assert programme.languages == ["fr", "nl"]
    assert programme.mentee_education_levels == ["isced_0_2"]
    assert (programme.mentee_min_age, programme.mentee_max_age) == (18, 29)
    assert programme.mentee_migration_background_required and programme.coach_assigned
    version = RulesVersion.objects.get(programme=programme)
    assert version.version == 1 and version.created_by == world.coordinator
    assert version.rules["sites"] == ["Liège", "Seraing"]
    weights = MatchingWeights.objects.get(programme=programme)
    assert weights.version == 1 and weights.weights == MatchingWeights.DEFAULT_WEIGHTS
    # Its coordinators see it at once.
    assert as_coordinator.get(response["Location"]).status_code == 200


def test_the_operator_choice_lists_only_the_coordinators_operators(as_coordinator, world):
    page = as_coordinator.get(reverse("programmes:programme_create")).content.decode()
    assert world.programme.operator.name in page
    assert world.other_programme.operator.name not in page
    response = as_coordinator.post(
        reverse("programmes:programme_create"),
        {**FORM, "operator": world.other_programme.operator.pk},
    )
    assert response.status_code == 400
    assert not Programme.objects.filter(slug=FORM["slug"]).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"mentee_min_age": "30", "mentee_max_age": "25"}, "below the minimum age"),
        ({"ends_on": "2026-06-30"}, "ends before it starts"),
        ({"slug": "Not a slug!"}, "slug"),
        ({"meetings_per_month": "0"}, "greater than or equal to 0.25"),
        ({"follow_up_months": "61"}, "less than or equal to 60"),
        ({"languages": ["xx"]}, "Select a valid choice"),
        ({"name": "Two\nlines"}, "no line breaks"),
        ({"starts_on": "31/31/2027"}, "Enter a valid date"),
    ],
)
def test_bad_input_is_a_clear_message(as_coordinator, world, changes, message):
    data = {**FORM, "operator": world.programme.operator.pk, **changes}
    response = as_coordinator.post(reverse("programmes:programme_create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Programme.objects.filter(name=FORM["name"]).exists()


def test_a_taken_slug_is_refused(as_coordinator, world):
    data = {**FORM, "operator": world.programme.operator.pk, "slug": world.other_programme.slug}
    response = as_coordinator.post(reverse("programmes:programme_create"), data)
    assert response.status_code == 400
    assert "is taken" in response.content.decode()
    assert Programme.objects.filter(slug=world.other_programme.slug).count() == 1


def test_programme_create_refuses_a_funder_as_operator(world):
    with pytest.raises(ValidationError):
        services.programme_create(
            world.coordinator,
            operator=factories.FunderFactory(),
            data={"name": "X", "slug": "x", "region": "brussels", "starts_on": dt.date(2027, 1, 1)},
        )


# --- rules versions --------------------------------------------------------------------


def test_rules_current_makes_version_1_for_a_programme_without_one(world):
    programme = world.programme
    assert not programme.rule_versions.exists()
    first = services.rules_current(programme)
    assert first.version == 1
    assert first.rules["duo_length_weeks"] == programme.duo_length_weeks
    assert services.rules_current(programme) == first  # only once


def test_an_unchanged_save_writes_no_new_version(as_coordinator, world):
    programme = world.programme
    url = reverse("programmes:programme_edit", args=[programme.uuid])
    response = as_coordinator.post(url, _form_of(programme))
    assert response.status_code == 302
    assert list(programme.rule_versions.values_list("version", flat=True)) == [1]
    # The rhythm written as "4.00" or "4" is the same rule.
    as_coordinator.post(url, _form_of(programme, meetings_per_month="4.00"))
    assert programme.rule_versions.count() == 1


def test_changing_a_rule_keeps_running_duos_on_their_version(as_coordinator, world):
    programme = world.programme
    duo = world.duo
    Duo.objects.filter(pk=duo.pk).update(rules_version=services.rules_current(programme))
    duo = duo_selectors.duo_list_for(world.coordinator).get(pk=duo.pk)
    interval_before = duo_rules(duo).expected_interval_days
    health_before = duo_selectors.duo_health(duo)

    # Twice a month instead of weekly, 20 weeks, follow-up after 12 months.
    response = as_coordinator.post(
        reverse("programmes:programme_edit", args=[programme.uuid]),
        _form_of(programme, meetings_per_month="2", duo_length_weeks="20", follow_up_months="12"),
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.meetings_per_month == 2
    assert list(programme.rule_versions.values_list("version", flat=True)) == [2, 1]

    duo = duo_selectors.duo_list_for(world.coordinator).get(pk=duo.pk)
    assert duo.rules_version.version == 1
    assert duo_rules(duo).expected_interval_days == interval_before == 7.5
    assert duo_selectors.duo_health(duo) == health_before

    # A new proposal runs under version 2, and starts with its length.
    mentee = factories.MenteeFactory(programme=programme)
    mentor = factories.MentorFactory(programme=programme)
    new = duo_services.duo_propose(world.coordinator, mentee=mentee, mentor=mentor)
    assert new.rules_version.version == 2
    duo_services.duo_activate(world.coordinator, duo=new)
    new.refresh_from_db()
    assert new.planned_end_on == new.started_on + dt.timedelta(weeks=20)
    assert duo_rules(new).expected_interval_days == 15

    # An ended duo of version 1 is followed up after 6 months, not 12.
    ended = factories.DuoFactory(programme=programme, ended=True)
    Duo.objects.filter(pk=ended.pk).update(rules_version=programme.rule_versions.get(version=1))
    ended.refresh_from_db()
    assert follow_up_date(ended) == ended.ended_on + relativedelta(months=6)


def test_a_historical_duo_gets_the_current_rules(world):
    programme = world.programme
    mentee = factories.MenteeFactory(programme=programme, status="applied")
    mentor = factories.MentorFactory(programme=programme, status="applied")
    duo = duo_record_past(
        world.coordinator,
        mentee=mentee,
        mentor=mentor,
        started_on=dt.date(2024, 1, 8),
        ended_on=dt.date(2024, 7, 1),
        end_reason="completed",
    )
    assert duo.rules_version == services.rules_current(programme)


def test_programme_update_is_audited(world):
    from auditlog.models import LogEntry

    services.programme_update(
        world.coordinator,
        programme=world.programme,
        data={"duo_length_weeks": 30},
    )
    entry = LogEntry.objects.get_for_object(world.programme).first()
    assert entry.actor == world.coordinator
    assert world.programme.rule_versions.count() == 2


# --- the programme page ----------------------------------------------------------------


def test_the_programme_page_says_the_rules_in_words(as_coordinator, world):
    programme = world.programme
    Programme.objects.filter(pk=programme.pk).update(
        mentee_min_age=18,
        mentee_max_age=29,
        mentee_migration_background_required=True,
        mentee_education_levels=["isced_0_2"],
        mentor_min_age=50,
        mentor_min_experience_years=10,
        training_required=True,
        coach_assigned=True,
        sites=["Brussels", "Liège"],
        languages=["nl", "fr"],
    )
    programme.refresh_from_db()
    services.programme_update(world.coordinator, programme=programme, data={"follow_up_months": 12})
    services.programme_update(world.coordinator, programme=programme, data={"follow_up_months": 6})
    page = as_coordinator.get(reverse("duos:programme", args=[programme.uuid])).content.decode()
    for words in (
        "Duos run 26 weeks and meet about 4 times a month",
        "Mentees: 18 to 29 years old, with a migration background; education: at most lower "
        "secondary",
        "Mentors: at least 50 years old, 10 years of professional experience; training required",
        "A mentor-coach follows each duo",
        "Follow-up 6 months after the duo ends",
        "Languages: Dutch, French",
        "Sites: Brussels, Liège",
        "Data kept 5 years",
        "Rules version 3, since",
        "Follow-up horizon (months after the duo ended): 6 → 12",
    ):
        assert words in page, words
    for code in ("isced_0_2", "['nl', 'fr']", "meetings_per_month"):
        assert code not in page
    assert reverse("programmes:programme_edit", args=[programme.uuid]) in page
    assert reverse("programmes:fundings", args=[programme.uuid]) in page


def test_funders_see_the_rules_and_only_their_own_amounts(client, world):
    programme = world.programme
    own_org = world.funder.memberships.get().organisation
    factories.FundingFactory(programme=programme, funder=own_org, amount=Decimal("7762500"))
    factories.FundingFactory(programme=programme, amount=Decimal("3100000"))
    client.force_login(world.funder)
    page = client.get(reverse("duos:programme", args=[programme.uuid])).content.decode()
    assert "Duos run 26 weeks" in page
    assert "7,762,500" in page
    assert "3,100,000" not in page and "3100000" not in page
    assert "7762500.00 EUR" not in page
    assert reverse("programmes:programme_edit", args=[programme.uuid]) not in page


# --- fundings and organisations --------------------------------------------------------


def test_coordinator_adds_an_organisation_then_a_funding(as_coordinator, world):
    programme = world.programme
    response = as_coordinator.post(
        reverse("programmes:organisation_create", args=[programme.uuid]),
        {"name": "Fonds Social Européen", "kind": OrganisationKind.FUNDER, "region": ""},
    )
    assert response.status_code == 302
    funder = Organisation.objects.get(name="Fonds Social Européen")
    assert funder.slug == "fonds-social-europeen" and funder.kind == OrganisationKind.FUNDER
    # The same name again is refused, not a 500.
    again = as_coordinator.post(
        reverse("programmes:organisation_create", args=[programme.uuid]),
        {"name": "Fonds Social Européen", "kind": OrganisationKind.FUNDER},
    )
    assert again.status_code == 400 and "already an organisation" in again.content.decode()
    # An operator cannot be added from here.
    refused = as_coordinator.post(
        reverse("programmes:organisation_create", args=[programme.uuid]),
        {"name": "Another asbl", "kind": OrganisationKind.OPERATOR},
    )
    assert refused.status_code == 400
    assert not Organisation.objects.filter(name="Another asbl").exists()

    url = reverse("programmes:fundings", args=[programme.uuid])
    bad = {
        "funder": funder.pk,
        "amount": "7762500",
        "starts_on": "2027-01-01",
        "ends_on": "2026-12-31",
        "target_duos": "855",
    }
    response = as_coordinator.post(url, bad)
    assert response.status_code == 400 and "ends before it starts" in response.content.decode()
    response = as_coordinator.post(url, {**bad, "ends_on": "2027-12-31"})
    assert response.status_code == 302
    funding = Funding.objects.get(programme=programme)
    assert (funding.funder, funding.amount, funding.target_duos) == (funder, 7762500, 855)
    page = as_coordinator.get(url).content.decode()
    assert "€7,762,500" in page and "7762500.00" not in page

    response = as_coordinator.post(
        reverse("programmes:funding_edit", args=[funding.uuid]),
        {**bad, "ends_on": "2027-12-31", "amount": "8000000"},
    )
    assert response.status_code == 302
    funding.refresh_from_db()
    assert funding.amount == 8000000


def test_an_operator_cannot_be_chosen_as_funder(as_coordinator, world):
    response = as_coordinator.post(
        reverse("programmes:fundings", args=[world.programme.uuid]),
        {
            "funder": world.programme.operator.pk,
            "amount": "10",
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "target_duos": "1",
        },
    )
    assert response.status_code == 400
    assert not Funding.objects.exists()


def test_a_funder_linked_by_a_funding_can_be_invited(as_coordinator, world):
    funder = services.organisation_create(
        world.coordinator, name="Actiris", kind=OrganisationKind.PUBLIC_EMPLOYMENT_SERVICE
    )
    assert funder not in selectors.invitable_organisations(world.coordinator)
    services.funding_save(
        world.coordinator,
        programme=world.programme,
        funder=funder,
        amount=Decimal("7762500"),
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 12, 31),
        target_duos=855,
    )
    assert funder in selectors.invitable_organisations(world.coordinator)
    assert funder not in selectors.invitable_organisations(world.outsider)
    response = as_coordinator.post(
        reverse("programmes:team"),
        {
            "email": "funder@actiris.invalid",
            "first_name": "Nadia",
            "role": Role.FUNDER,
            "organisation": funder.pk,
            "programmes": [world.programme.pk],
        },
    )
    assert response.status_code == 302
    membership = funder.memberships.get()
    assert list(membership.programmes.all()) == [world.programme]


# --- matching weights -----------------------------------------------------------------


def test_the_weights_page_says_the_sum_first_and_an_unchanged_save_writes_nothing(
    as_coordinator, world
):
    url = reverse("duos:weights", args=[world.programme.uuid])
    page = as_coordinator.get(url).content.decode()
    assert page.index("must add up to 100") < page.index('aria-describedby="weights-rule"')
    current = {**MatchingWeights.DEFAULT_WEIGHTS, "min_score": 30}
    response = as_coordinator.post(url, current)
    assert response.status_code == 302
    assert MatchingWeights.objects.filter(programme=world.programme).count() == 1
    as_coordinator.post(url, {**current, "sector": 35, "language": 30})
    versions = MatchingWeights.objects.filter(programme=world.programme)
    assert sorted(versions.values_list("version", flat=True)) == [1, 2]
    as_coordinator.post(url, {**current, "sector": 35, "language": 30})
    assert versions.count() == 2


def test_weights_save_checks_the_sum(world):
    with pytest.raises(ValidationError):
        services.weights_save(
            world.coordinator, programme=world.programme, weights={"sector": 99}, min_score=0
        )


def test_follow_ups_are_due_after_the_horizon_the_duo_ran_under(world):
    from duos.services.follow_up import due_duos

    programme = world.programme
    first = services.rules_current(programme)  # 6 months
    services.programme_update(world.coordinator, programme=programme, data={"follow_up_months": 12})
    second = services.rules_current(programme)
    ended_on = timezone.localdate() - relativedelta(months=6, days=5)
    under_first = factories.DuoFactory(programme=programme, ended=True, ended_on=ended_on)
    under_second = factories.DuoFactory(programme=programme, ended=True, ended_on=ended_on)
    Duo.objects.filter(pk=under_first.pk).update(rules_version=first)
    Duo.objects.filter(pk=under_second.pk).update(rules_version=second)

    due = set(duo_selectors.follow_ups_due(world.coordinator))
    assert under_first in due and under_second not in due
    sending = set(due_duos(today=timezone.localdate()))
    assert under_first in sending and under_second not in sending
