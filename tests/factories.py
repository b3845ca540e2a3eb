"""factory-boy factories, one per model. Data is synthetic: contacts use the
reserved `.invalid` domain so no mail can ever reach a real person."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from duos.models import Duo, Meeting, Mentee, Mentor, Outcome, PipelineStatus
from programmes.models import (
    Funding,
    MatchingWeights,
    Membership,
    Organisation,
    OrganisationKind,
    Programme,
    Region,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@duo.invalid")
    email = factory.SelfAttribute("username")
    first_name = factory.Faker("first_name", locale="nl_BE")
    last_name = factory.Faker("last_name", locale="nl_BE")
    password = factory.django.Password("duo-test-password")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Operator {n} asbl")
    slug = factory.Sequence(lambda n: f"operator-{n}")
    kind = OrganisationKind.OPERATOR
    region = Region.BRUSSELS


class FunderFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Funder {n}")
    slug = factory.Sequence(lambda n: f"funder-{n}")
    kind = OrganisationKind.FUNDER


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    operator = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    region = Region.BRUSSELS
    starts_on = dt.date(2020, 1, 1)
    duo_length_weeks = 26
    meetings_per_month = Decimal("4")
    languages = factory.LazyFunction(lambda: ["fr", "nl"])


class MatchingWeightsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchingWeights

    programme = factory.SubFactory(ProgrammeFactory)
    version = factory.Sequence(lambda n: n + 1)
    weights = factory.LazyFunction(lambda: dict(MatchingWeights.DEFAULT_WEIGHTS))


class FundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funding

    funder = factory.SubFactory(FunderFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    amount = Decimal("100000.00")
    starts_on = dt.date(2025, 1, 1)
    ends_on = dt.date(2025, 12, 31)
    target_duos = 50


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.COORDINATOR

    @factory.post_generation
    def programmes(self, create, extracted, **kwargs):
        if create and extracted:
            self.programmes.set(extracted)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    programme = factory.SubFactory(ProgrammeFactory)
    ref = factory.Sequence(lambda n: f"P{n:05d}")
    first_name = factory.Faker("first_name", locale="fr_BE")
    last_name = factory.Faker("last_name", locale="fr_BE")
    email = factory.LazyAttribute(lambda o: f"{o.ref.lower()}@duo.invalid")
    phone = factory.Sequence(lambda n: f"+32 470 00 {n % 100:02d} {n // 100 % 100:02d}")
    postcode = "1080"
    municipality = "Molenbeek-Saint-Jean"
    languages = factory.LazyFunction(lambda: ["fr"])
    sectors = factory.LazyFunction(lambda: ["logistics"])
    status = PipelineStatus.READY
    consent_given_at = factory.LazyFunction(timezone.now)
    consent_version = "2026-01"


class MenteeFactory(ParticipantFactory):
    class Meta:
        model = Mentee

    ref = factory.Sequence(lambda n: f"ME{n:05d}")
    birth_date = dt.date(2001, 5, 17)
    waiting_since = factory.LazyFunction(timezone.localdate)


class MentorFactory(ParticipantFactory):
    class Meta:
        model = Mentor

    ref = factory.Sequence(lambda n: f"MR{n:05d}")
    birth_date = dt.date(1962, 3, 2)
    profession = "Warehouse manager"
    capacity = 1
    training_completed_on = dt.date(2024, 9, 1)


# Participants' pipeline status consistent with the duo made with them.
_MENTEE_STATUS = {
    Duo.Status.PROPOSED: PipelineStatus.READY,
    Duo.Status.DECLINED: PipelineStatus.READY,
    Duo.Status.ACTIVE: PipelineStatus.IN_DUO,
    Duo.Status.ENDED: PipelineStatus.DONE,
}
_MENTOR_STATUS = {**_MENTEE_STATUS, Duo.Status.ENDED: PipelineStatus.READY}


class DuoFactory(factory.django.DjangoModelFactory):
    """An active duo by default; use the traits for the other states."""

    class Meta:
        model = Duo

    programme = factory.SubFactory(ProgrammeFactory)
    mentee = factory.SubFactory(
        MenteeFactory,
        programme=factory.SelfAttribute("..programme"),
        status=factory.LazyAttribute(lambda o: _MENTEE_STATUS[o.factory_parent.status]),
    )
    mentor = factory.SubFactory(
        MentorFactory,
        programme=factory.SelfAttribute("..programme"),
        status=factory.LazyAttribute(lambda o: _MENTOR_STATUS[o.factory_parent.status]),
    )
    status = Duo.Status.ACTIVE
    proposed_on = factory.LazyAttribute(lambda o: o.started_on - dt.timedelta(days=14))
    started_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=60))
    planned_end_on = factory.LazyAttribute(lambda o: o.started_on + dt.timedelta(weeks=26))

    class Params:
        proposed = factory.Trait(
            status=Duo.Status.PROPOSED,
            started_on=None,
            planned_end_on=None,
            proposed_on=factory.LazyFunction(timezone.localdate),
        )
        ended = factory.Trait(
            status=Duo.Status.ENDED,
            ended_on=factory.LazyAttribute(lambda o: o.started_on + dt.timedelta(weeks=26)),
            end_reason="completed",
            started_on=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=400)),
        )


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    duo = factory.SubFactory(DuoFactory)
    date = factory.LazyAttribute(lambda o: o.duo.started_on + dt.timedelta(days=7))
    minutes = 60
    mode = Meeting.Mode.WORKPLACE
    topics = factory.LazyFunction(lambda: ["cv"])


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    duo = factory.SubFactory(DuoFactory, ended=True)
    point = Outcome.Point.EXIT
    date = factory.LazyAttribute(lambda o: o.duo.ended_on)
    status = Outcome.Status.EMPLOYED
    contract_type = Outcome.Contract.FIXED_TERM
    source = Outcome.Source.COORDINATOR
