"""``manage.py seed_demo``: idempotent, deterministic demo data that keeps every rule.

The data is seeded once for the module (inside a transaction rolled back at
the end); each test runs in its own savepoint on top of it."""

import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from duos.demo import ACCOUNTS, seed
from duos.models import Duo, DuoStatus, EndReason, Meeting, Mentee, Mentor, Outcome, PipelineStatus
from duos.services.eligibility import age_on
from programmes.models import Membership, Programme, Role

EMAILS = [account.email for account in ACCOUNTS]


def run_seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", force=True, stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The first run's output; its data stays for the module's tests."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield run_seed()
        transaction.set_rollback(True)


def everything() -> dict[str, list[tuple]]:
    """Every row of every model (through tables included), all columns, by primary key."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        columns = [field.attname for field in model._meta.concrete_fields]
        rows[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*columns))
    return rows


def days_since_contact(duo: Duo, today: dt.date) -> int:
    last = duo.meetings.aggregate(last=Max("date"))["last"] or duo.started_on
    return (today - last).days


def is_silent(duo: Duo, today: dt.date) -> bool:
    """DESIGN.md: silent beyond 2 × the expected interval (30 ÷ meetings per month)."""
    return days_since_contact(duo, today) > 2 * 30 / float(duo.programme.meetings_per_month)


def test_second_run_changes_nothing(seeded, db):
    before = everything()

    output = run_seed()

    after = everything()
    assert {label: len(r) for label, r in after.items()} == {
        label: len(r) for label, r in before.items()
    }
    assert after == before  # same values, to the last timestamp and password hash
    assert "Nothing to change" in output


def test_first_run_reports_counts_and_accounts(seeded, db):
    assert "Duos" in seeded and "Meetings" in seeded
    for email in EMAILS:
        assert email in seeded
    assert "duo-demo" in seeded
    assert 150 <= Mentee.objects.exclude(ref__contains="-H20").count() <= 240
    assert 75 <= Mentor.objects.exclude(ref__contains="-H20").count() <= 150


def test_every_account_signs_in_with_the_demo_password(seeded, db):
    for email in EMAILS:
        user = authenticate(None, username=email, password="duo-demo")
        assert user is not None, email
        assert user.first_name and user.last_name
        assert user.emailaddress_set.filter(email=email, verified=True, primary=True).exists()
    admin = authenticate(None, username="admin@example.org", password="duo-demo")
    assert admin.is_staff and admin.is_superuser


def test_demo_password_comes_from_the_environment(seeded, db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-secret")

    output = run_seed()

    assert "another-demo-secret" in output
    for email in EMAILS:
        assert authenticate(None, username=email, password="another-demo-secret") is not None
        assert authenticate(None, username=email, password="duo-demo") is None


def test_refuses_to_run_without_debug_or_force(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="known password"):
        call_command("seed_demo", stdout=StringIO())


def test_memberships(seeded, db):
    live = Membership.objects.filter(revoked_at__isnull=True).select_related("organisation")
    funder = live.get(user__email="funder@example.org")
    assert (funder.role, funder.organisation.name) == (Role.FUNDER, "Actiris")
    assert set(funder.programmes.values_list("slug", flat=True)) == {"duo-for-a-job", "team4job"}
    evaluator = live.get(user__email="evaluator@example.org")
    assert evaluator.role == Role.EVALUATOR and evaluator.organisation.kind == "research"
    assert list(evaluator.programmes.values_list("slug", flat=True)) == ["duo-for-a-job"]
    operator = Programme.objects.get(slug="duo-for-a-job").operator
    for email, role in (
        ("coordinator@example.org", Role.COORDINATOR),
        ("coach@example.org", "coach"),
    ):
        assert live.filter(user__email=email, organisation=operator, role=role).exists()


def test_mentor_has_one_silent_and_one_on_track_duo(seeded, db):
    today = timezone.localdate()
    mentor = Mentor.objects.get(user__email="mentor@example.org")
    assert (mentor.email, mentor.capacity, mentor.programme.slug) == (
        "mentor@example.org",
        2,
        "duo-for-a-job",
    )
    duos = list(mentor.duos.filter(status=DuoStatus.ACTIVE).select_related("programme"))
    assert len(duos) == 2
    assert [is_silent(duo, today) for duo in duos].count(True) == 1
    on_track = next(duo for duo in duos if not is_silent(duo, today))
    assert days_since_contact(on_track, today) <= 5
    assert not Meeting.objects.filter(duo__in=duos).exclude(logged_by=mentor.user).exists()


def test_coach_follows_running_duos_one_of_them_silent(seeded, db):
    today = timezone.localdate()
    followed = Duo.objects.filter(
        coach__email="coach@example.org", status=DuoStatus.ACTIVE, programme__slug="duo-for-a-job"
    ).select_related("programme")
    assert followed.count() >= 3
    assert any(is_silent(duo, today) for duo in followed)


def test_participants_have_fake_contacts(seeded, db):
    for model in (Mentee, Mentor):
        people = model.objects.exclude(pk=Mentor.objects.get(user__email="mentor@example.org").pk)
        emails = list(people.values_list("email", flat=True))
        assert all(email.endswith("@demo.invalid") for email in emails)
        assert not any(email.endswith("example.org") for email in emails)
        assert people.filter(phone__startswith="+32 470 00 ").count() == people.count()


def test_duos_in_every_status_and_end_reason(seeded, db):
    for programme in Programme.objects.all():
        duos = Duo.objects.filter(programme=programme)
        assert set(duos.values_list("status", flat=True)) == set(DuoStatus.values)
    ended = Duo.objects.filter(status=DuoStatus.ENDED)
    assert set(ended.values_list("end_reason", flat=True)) == set(EndReason.values)
    assert not Duo.objects.filter(status=DuoStatus.DECLINED, decline_reason="").exists()
    for status in PipelineStatus.values:
        assert Mentee.objects.filter(status=status).exists(), status


def assert_consistent(today: dt.date) -> None:
    """The rules no database constraint checks: capacity, statuses, dates."""
    mentors = Mentor.objects.annotate(active=Count("duos", filter=Q(duos__status="active")))
    for mentor in mentors:
        assert mentor.active <= mentor.capacity, mentor
        assert (mentor.active > 0) == (mentor.status == PipelineStatus.IN_DUO), mentor
    mentees = Mentee.objects.annotate(
        active=Count("duos", filter=Q(duos__status="active")),
        ended=Count("duos", filter=Q(duos__status="ended")),
    )
    for mentee in mentees:
        if mentee.active:
            assert mentee.status == PipelineStatus.IN_DUO, mentee
        elif mentee.ended:
            assert mentee.status == PipelineStatus.DONE, mentee
    for meeting in Meeting.objects.select_related("duo"):
        duo = meeting.duo
        assert duo.started_on <= meeting.date <= min(duo.ended_on or today, today)
    for outcome in Outcome.objects.select_related("duo__programme"):
        assert outcome.duo.status == DuoStatus.ENDED
        assert not outcome.contract_type or outcome.status == "employed"
        if outcome.point == "follow_up":
            assert outcome.date <= today


def test_rules_hold(seeded, db):
    assert_consistent(timezone.localdate())
    programme = Programme.objects.get(slug="duo-for-a-job")
    for person in [*programme.mentees.all(), *programme.mentors.all()]:
        age = age_on(person.birth_date, timezone.localtime(person.consent_given_at).date())
        if isinstance(person, Mentee):
            assert 18 <= age <= 29, person  # at entry
        else:
            assert age > 50, person
    # Special-category data only with its consent (the database also refuses it).
    assert not Mentee.objects.filter(
        special_consent_at__isnull=True, migration_background__isnull=False
    ).exists()


def test_a_run_on_a_later_day_moves_the_demo_to_that_day(seeded, db):
    later = timezone.localdate() + dt.timedelta(days=40)

    seed(today=later, password="duo-demo")

    assert_consistent(later)
    mentor = Mentor.objects.get(user__email="mentor@example.org")
    duos = list(mentor.duos.filter(status=DuoStatus.ACTIVE).select_related("programme"))
    assert [is_silent(duo, later) for duo in duos].count(True) == 1
    assert Mentee.objects.filter(ref__startswith="DFJ-ME-").count() == 70


def test_past_cohorts_reproduce_the_published_figures(seeded, db):
    """Team4Job at exit (77 / 152 completed, 77 / 171 started); DUO for a JOB at
    follow-up, completed: 55 % employed, 19 % training or internship, 74 % positive."""
    from programmes.models import Programme
    from reporting.rates import programme_rows

    def row(slug, cohort, point, denominator):
        rows = programme_rows(Programme.objects.get(slug=slug))
        return next(
            r
            for r in rows
            if (r["cohort"], r["point"], r["denominator"]) == (cohort, point, denominator)
        )

    completed = row("team4job", 2019, "exit", "completed")
    started = row("team4job", 2019, "exit", "started")
    employed = completed["counts"]["employed"] + completed["counts"]["self_employed"]
    assert (employed, completed["n"], started["n"]) == (77, 152, 171)
    assert round(completed["rates"]["employed"] * 100, 2) == 50.66
    assert round(started["rates"]["employed"] * 100, 2) == 45.03
    duo = row("duo-for-a-job", 2018, "follow_up", "completed")
    rates = duo["rates"]
    assert round(rates["employed"] * 100, 1) == 55.0
    assert round((rates["training"] + rates["internship"]) * 100, 1) == 19.0
    assert round(rates["positive"] * 100, 1) == 74.0
    assert round(rates["still_searching"] * 100) == 25


def test_funder_sees_the_published_cohort_suppressed_right(seeded, db, client):
    """The demo funder: DUO for a JOB 2018 at follow-up (55 % / 74 %); no count
    below 5 and no rate over fewer than 10 anywhere on the dashboard."""
    import re

    from django.urls import reverse

    from programmes.models import Programme
    from reporting.services import snapshot_compute

    client.login(username="funder@example.org", password="duo-demo")
    for programme in Programme.objects.filter(slug__in=["duo-for-a-job", "team4job"]):
        snapshot_compute(programme=programme)
        for params in ({}, {"from": "2018", "to": "2018"}, {"from": "2025"}):
            response = client.get(reverse("reporting:dashboard", args=[programme.uuid]), params)
            assert response.status_code == 200
            for fig in response.context["table"]:
                shown = [fig.n, *fig.counts.values()]
                assert not any(c.text in {"1", "2", "3", "4"} for c in shown)
                if fig.n.value is None or fig.n.value < 10:
                    assert all(c.text == "—" for c in fig.rates.values())
            html = response.content.decode()
            assert not re.search(r'<td class="num">[1-4]</td>', html)
    dfaj = Programme.objects.get(slug="duo-for-a-job")
    response = client.get(
        reverse("reporting:dashboard", args=[dfaj.uuid]), {"from": "2018", "to": "2018"}
    )
    follow_up = next(
        f
        for f in response.context["table"]
        if (f.point, f.denominator) == ("follow_up", "completed")
    )
    assert follow_up.rates["employed"].text == "55.0 %"
    assert follow_up.rates["positive"].text == "74.0 %"
    other = Programme.objects.get(slug="mentoring-naar-werk")
    assert client.get(reverse("reporting:dashboard", args=[other.uuid])).status_code == 404
