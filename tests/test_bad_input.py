"""Property-based tests (issue 14, item 4): whatever a person types or puts in an
address, no 500, and a refused submission writes nothing.

- Every form a person can submit, POSTed through the test client as the role
  that may submit it, with generated values: text of any kind (control
  characters, NUL, right-to-left marks, 100,000 characters), numbers far out of
  range, dates from 0001-01-01 to 9999-12-31 and garbage, lists where one value
  is expected, missing fields, alongside values the form accepts so that the
  services behind it are reached too. An invalid submission leaves every table
  of ours (and the audit log) as it was.
- Every URL of ours (``tests.test_url_matrix`` collects them) with generated
  query strings (page, format, from/to, sort, filters, point, status, cohort…)
  and generated values for its text parameters (slug, kind, point, token).

The importers are fuzzed in ``tests/duos/test_import_fuzz.py``.

The budget is small and fixed (``derandomize``): the same examples on every run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django import forms
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.http import QueryDict
from django.test import Client
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duos import forms as duo_forms
from duos.matching import runs as matching_runs
from duos.models import Concern, FollowUpRequest, Outcome, TrainingSession
from duos.views.outcomes import FollowUpAnswerForm, OutcomeForm
from programmes.access import coaches_of, coordinated_programmes
from programmes.forms import InvitationForm
from programmes.models import Role
from programmes.selectors import invitable_organisations
from tests import factories
from tests.conftest import World

settings.register_profile(
    "bad-input",
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
BUDGET = settings.get_profile("bad-input")

# --- what people type ----------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n\t",
    "\x1b[31m",
    "\u202eevil",
    "\ufeff",
    "𝕏🦘",
    "١٢٣",
    "x" * 100_000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s%n",
    "{{ 7*7 }}",
    "-1",
    "0",
    "1e309",
    "nan",
    "inf",
    "-9223372036854775809",
    "99999999999999999999999999",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "0000-00-00",
    "2024-02-30",
    "2024-13-01",
    "31/12/9999",
    "1/1/1",
    "null",
    "None",
    "true",
    "on",
    "[]",
    "{}",
    "00000000-0000-0000-0000-000000000000",
]
nasty_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(dt.date.isoformat),
)
BOOLEANS = ["on", "true", "false", "1", "0", "2", "unknown", "yes", ""]


def _choices(field) -> list[str]:
    values = []
    for value, label in field.choices:
        if isinstance(label, list | tuple):  # an optgroup
            values += [str(v) for v, _ in label]
        else:
            values.append(str(value))
    return values or [""]


def acceptable(field: forms.Field) -> st.SearchStrategy[str]:
    """Values this field may well accept, so that submissions get past it."""
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return st.sampled_from(_choices(field))
    if isinstance(field, forms.DateField):
        recent = st.dates(dt.date(2000, 1, 1), dt.date(2035, 12, 31))
        return st.one_of(recent, st.dates()).map(dt.date.isoformat)
    if isinstance(field, forms.IntegerField):
        return st.integers(min_value=-5, max_value=800).map(str)
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return st.sampled_from(BOOLEANS)
    if isinstance(field, forms.UUIDField):
        return st.uuids().map(str)
    if isinstance(field, forms.EmailField):
        return st.emails().filter(lambda e: len(e) < 200)
    return st.text(min_size=1, max_size=30)


def payload(form: forms.Form, extra: dict | None = None) -> st.SearchStrategy[dict]:
    """A POST body for ``form``: each of its fields absent, acceptable, nasty or
    a list; plus the view's own fields (``extra``: name → strategy)."""
    optional = {}
    for name, field in form.fields.items():
        one = st.one_of(acceptable(field), nasty_text)
        optional[form.add_prefix(name)] = st.one_of(one, st.lists(one, min_size=2, max_size=3))
    for name, strategy in (extra or {}).items():
        optional[name] = st.one_of(strategy, nasty_text)
    optional["next"] = st.sampled_from(["", "/", "https://evil.example/", "//evil", "\x00"])
    return st.fixed_dictionaries({}, optional=optional)


# --- what must not change ---------------------------------------------------------------

WATCHED_APPS = ("duos", "programmes", "reporting", "auditlog", "accounts")


def snapshot() -> dict[str, int]:
    """Rows of every table of ours and the audit log (an update adds a log entry)."""
    counts = {}
    for label in WATCHED_APPS:
        if not apps.is_installed(label) and label != "auditlog":
            continue
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            counts[model._meta.label] = model._default_manager.count()
    return counts


def as_query(body: dict) -> QueryDict:
    """The body as the view sees it (a list is several values of one field)."""
    query = QueryDict(mutable=True)
    for key, value in body.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {
        k: (before.get(k), after.get(k)) for k in before | after if before.get(k) != after.get(k)
    }


# --- the forms --------------------------------------------------------------------------


class Place(World):
    """World, plus one record of every kind a form acts on."""

    def __init__(self):
        super().__init__()
        self.ended_duo = factories.DuoFactory(programme=self.programme, ended=True)
        self.meeting = factories.MeetingFactory(duo=self.duo, logged_by=self.mentor_user)
        self.concern = Concern.objects.create(duo=self.duo, raised_by=self.mentor_user, text="x")
        self.session = TrainingSession.objects.create(
            programme=self.programme, title="Intro", date=timezone.localdate()
        )
        self.applicant = factories.MenteeFactory(programme=self.programme, status="applied")
        self.mentor_applicant = factories.MentorFactory(programme=self.programme, status="applied")
        # The default weights are written on the first read of them: not by a form.
        matching_runs.weights_for(self.programme)
        self.token = secrets.token_urlsafe(32)
        FollowUpRequest.objects.create(
            duo=self.ended_duo,
            token_hash=hashlib.sha256(self.token.encode()).hexdigest(),
            email=self.ended_duo.mentee.email,
            expires_at=timezone.now() + dt.timedelta(days=30),
        )
        self.clients = {}
        for identity in ("coordinator", "coach", "mentor_user"):
            client = Client()
            client.force_login(getattr(self, identity))
            self.clients[identity] = client
        self.clients["anonymous"] = Client()


@dataclass(frozen=True)
class Case:
    """One form: who posts it, where, and the form that judges the data."""

    name: str
    identity: str
    url: callable
    form: callable  # (place, data=None) -> Form
    extra: callable = lambda place: {}  # the view's own fields, beyond the form's


def _meeting_form(place, data=None):
    return duo_forms.MeetingForm(data, prefix=f"duo-{place.duo.pk}")


CASES = [
    Case(
        "apply_mentee",
        "anonymous",
        lambda p: reverse("duos:apply", args=[p.programme.slug, "mentee"]),
        lambda p, data=None: duo_forms.MenteeApplicationForm(data),
    ),
    Case(
        "apply_mentor",
        "anonymous",
        lambda p: reverse("duos:apply", args=[p.programme.slug, "mentor"]),
        lambda p, data=None: duo_forms.MentorApplicationForm(data),
    ),
    Case(
        "mentee_screen",
        "coordinator",
        lambda p: reverse("duos:mentee_screen", args=[p.applicant.uuid]),
        lambda p, data=None: duo_forms.MenteeScreeningForm(data),
    ),
    Case(
        "mentor_screen",
        "coordinator",
        lambda p: reverse("duos:mentor_screen", args=[p.mentor_applicant.uuid]),
        lambda p, data=None: duo_forms.ScreeningForm(data),
    ),
    Case(
        "mentee_withdraw",
        "coordinator",
        lambda p: reverse("duos:mentee_withdraw", args=[p.applicant.uuid]),
        lambda p, data=None: duo_forms.WithdrawForm(data),
    ),
    Case(
        "training_create",
        "coordinator",
        lambda p: reverse("duos:training_list", args=[p.programme.uuid]),
        lambda p, data=None: duo_forms.TrainingSessionForm(data),
    ),
    Case(
        "training_attendance",
        "coordinator",
        lambda p: reverse("duos:training_detail", args=[p.session.uuid]),
        lambda p, data=None: duo_forms.AttendanceForm(
            data, mentors=p.programme.mentors.exclude(status="withdrawn")
        ),
    ),
    Case(
        "weights",
        "coordinator",
        lambda p: reverse("duos:weights", args=[p.programme.uuid]),
        lambda p, data=None: duo_forms.WeightsForm(data),
    ),
    Case(
        "duo_close",
        "coordinator",
        lambda p: reverse("duos:duo_close", args=[p.other_duo.uuid]),
        lambda p, data=None: duo_forms.CloseForm(data),
    ),
    Case(
        "duo_coach",
        "coordinator",
        lambda p: reverse("duos:duo_coach", args=[p.duo.uuid]),
        lambda p, data=None: duo_forms.CoachForm(data, coaches=coaches_of(p.programme)),
    ),
    Case(
        "meeting_log",
        "mentor_user",
        lambda p: reverse("duos:meeting_log", args=[p.duo.uuid]),
        _meeting_form,
    ),
    Case(
        "meeting_edit",
        "mentor_user",
        lambda p: reverse("duos:meeting_edit", args=[p.meeting.uuid]),
        lambda p, data=None: duo_forms.MeetingForm(data),
    ),
    Case(
        "concern_raise",
        "mentor_user",
        lambda p: reverse("duos:concern_raise", args=[p.duo.uuid]),
        lambda p, data=None: duo_forms.ConcernForm(data),
    ),
    Case(
        "concern_handle",
        "coordinator",
        lambda p: reverse("duos:concern_handle", args=[p.concern.uuid]),
        lambda p, data=None: duo_forms.ResolutionForm(data),
    ),
    Case(
        "check_in",
        "coach",
        lambda p: reverse("duos:check_in", args=[p.duo.uuid]),
        lambda p, data=None: duo_forms.CheckInForm(data),
    ),
    Case(
        "outcome_exit",
        "coordinator",
        lambda p: reverse("duos:outcome_edit", args=[p.ended_duo.uuid, Outcome.Point.EXIT]),
        lambda p, data=None: OutcomeForm(data),
    ),
    Case(
        "outcome_follow_up",
        "coordinator",
        lambda p: reverse("duos:outcome_edit", args=[p.ended_duo.uuid, Outcome.Point.FOLLOW_UP]),
        lambda p, data=None: OutcomeForm(data),
    ),
    Case(
        "follow_up_answer",
        "anonymous",
        lambda p: reverse("duos:follow_up_answer", args=[p.token]),
        lambda p, data=None: FollowUpAnswerForm(data),
    ),
    Case(
        "invitation",
        "coordinator",
        lambda p: reverse("programmes:team"),
        lambda p, data=None: InvitationForm(
            data,
            organisations=invitable_organisations(p.coordinator),
            programmes=coordinated_programmes(p.coordinator).order_by("name"),
        ),
    ),
    Case(
        "duo_introduction",
        "coordinator",
        lambda p: reverse("duos:duo_action", args=[p.proposed.uuid]),
        lambda p, data=None: duo_forms.IntroductionForm(data),
        extra=lambda p: {"action": st.just("introduction")},
    ),
    Case(
        "duo_decline",
        "coordinator",
        lambda p: reverse("duos:duo_action", args=[p.proposed.uuid]),
        lambda p, data=None: duo_forms.DeclineForm(data),
        extra=lambda p: {"action": st.just("decline")},
    ),
]


@pytest.fixture
def place(db):
    place = Place()
    place.proposed = factories.DuoFactory(programme=place.programme, proposed=True)
    return place


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@given(data=st.data())
@settings(BUDGET, max_examples=12)
def test_forms_take_anything_without_a_500_or_a_partial_write(case, place, data):
    cache.clear()  # the public forms' rate limit counts valid submissions
    body = data.draw(payload(case.form(place), case.extra(place)), label="POST")
    before = snapshot()
    response = place.clients[case.identity].post(case.url(place), body)
    assert response.status_code < 500
    form = case.form(place, as_query(body))
    if not form.is_valid() or response.status_code == 400:
        assert not changed(before, snapshot()), form.errors


@pytest.mark.parametrize(
    "name,field,value",
    [
        ("meeting_log", "date", "0001-01-01"),
        ("meeting_log", "date", "9999-12-31"),
        ("duo_close", "ended_on", "9999-12-31"),
        ("duo_close", "ended_on", "0001-01-01"),
        ("check_in", "on", "9999-12-31"),
        ("outcome_follow_up", "date", "9999-12-31"),
        ("outcome_exit", "date", "0001-01-01"),
        ("training_create", "date", "9999-12-31"),
        ("mentee_screen", "interviewed_on", "0001-01-01"),
        ("duo_introduction", "introduction_on", "9999-12-31"),
        ("apply_mentee", "birth_date", "0001-01-01"),
        ("apply_mentee", "postcode", "¹⁰⁸⁰"),
        ("apply_mentor", "postcode", "١٠٨٠"),
    ],
)
def test_extreme_dates_in_otherwise_good_submissions(place, name, field, value):
    """Each date field at the ends of the calendar, every other field acceptable."""
    case = next(c for c in CASES if c.name == name)
    form = case.form(place)
    body = {}
    for key, f in form.fields.items():
        if isinstance(f, forms.ChoiceField) and _choices(f)[-1]:
            body[form.add_prefix(key)] = _choices(f)[-1]
        elif isinstance(f, forms.DateField):
            body[form.add_prefix(key)] = timezone.localdate().isoformat()
        elif isinstance(f, forms.IntegerField):
            body[form.add_prefix(key)] = "60"
        elif isinstance(f, forms.BooleanField):
            body[form.add_prefix(key)] = "on"
        elif isinstance(f, forms.EmailField):
            body[form.add_prefix(key)] = "someone@duo.invalid"
        elif isinstance(f, forms.CharField):
            body[form.add_prefix(key)] = "1080" if key == "postcode" else "Text"
    body.pop(form.add_prefix("website"), None)
    body.pop(form.add_prefix("client_token"), None)
    body.pop(form.add_prefix("same_day_ok"), None)
    body[form.add_prefix(field)] = value
    body |= {k: "introduction" if name == "duo_introduction" else "x" for k in case.extra(place)}
    before = snapshot()
    response = place.clients[case.identity].post(case.url(place), body)
    assert response.status_code < 500
    if field == "postcode":  # digits that int() reads but no postcode has: refused
        assert response.status_code == 400
    if not case.form(place, as_query(body)).is_valid() or response.status_code == 400:
        assert not changed(before, snapshot()), response.status_code


# --- URL parameters ---------------------------------------------------------------------

QUERY_KEYS = [
    "page",
    "format",
    "from",
    "to",
    "sort",
    "ordering",
    "o",
    "q",
    "programme",
    "status",
    "point",
    "cohort",
    "denominator",
    "sector",
    "language",
    "municipality",
    "education_level",
    "age_band",
    "waiting_days",
    "kind",
    "why",
    "next",
    "end_reason",
    "coach",
    "started_after",
    "started_before",
    "ended_after",
    "ended_before",
]
QUERY_VALUES = st.one_of(
    nasty_text.filter(lambda v: len(v) < 2000),
    st.sampled_from(
        [
            "csv",
            "xlsx",
            "pdf",
            "exit",
            "follow_up",
            "employed",
            "completed",
            "2024",
            "1990",
            "2100",
            "-name",
            "name",
            "waiting_since",
            "last",
            "0",
            "1",
            "-1",
            "999999999999",
        ]
    ),
)
query_strings = st.lists(
    st.tuples(st.one_of(st.sampled_from(QUERY_KEYS), st.text(max_size=8)), QUERY_VALUES),
    max_size=6,
)
path_text = st.one_of(
    st.sampled_from(["mentee", "mentor", "exit", "follow_up", "x", "-", "ab" * 100]),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"),
        min_size=1,
        max_size=40,
    ),
)


def _routes():
    from tests.test_url_matrix import OURS

    return OURS


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    from django.db import transaction

    from tests.test_url_matrix import Matrix

    with django_db_blocker.unblock(), transaction.atomic():
        yield Matrix()
        transaction.set_rollback(True)


# Who asks each URL: the first role its view admits (a public view: anonymous).
ASKS = {
    Role.COORDINATOR: "coordinator",
    Role.COACH: "coach",
    Role.FUNDER: "funder",
    Role.EVALUATOR: "evaluator",
    "mentor": "mentor",
}


def _identity(route) -> str:
    from tests.test_url_matrix import declaration

    declared = declaration(route.view)
    if declared in (None, "public"):
        return "anonymous"
    return next(ASKS[role] for role in declared if role in ASKS)


def _address(route, matrix, text_values: dict) -> str:
    from tests.test_url_matrix import address

    url = address(route, matrix.first)
    if not text_values:
        return url
    kwargs = {**resolve(url).kwargs}
    for key in route.defaults:
        kwargs.pop(key, None)
    kwargs |= text_values
    try:
        return reverse(route.name, kwargs=kwargs)
    except NoReverseMatch:  # a value the converter refuses cannot be in an address
        return url


TEXT_PARAMS = {"slug", "kind", "point", "token"}


@pytest.mark.parametrize("route", _routes(), ids=str)
@given(data=st.data())
@settings(BUDGET, max_examples=4)
def test_every_url_takes_any_query_string(route, matrix, db, data):
    identity = _identity(route)
    client = matrix.client(identity)
    texts = {
        p: data.draw(path_text, label=p)
        for p in route.params
        if p in TEXT_PARAMS and p not in route.defaults
    }
    query = data.draw(query_strings, label="query")
    base = _address(route, matrix, texts)
    for url in (base + "?" + urlencode(query), base + "?format=csv&" + urlencode(query)):
        response = client.get(url)
        assert response.status_code < 500, f"{url}: {getattr(response, 'exc_info', None)}"


def test_the_budget_keeps_ci_fast():
    assert BUDGET.derandomize and BUDGET.deadline is None
    assert django_settings.configured


# Known troublemakers, each in every URL's query string (hypothesis may not draw them).
TROUBLE = [
    {"page": "99999999999999999999", "waiting_days": "1e20", "cohort": "9" * 25},
    {"page": "-1", "waiting_days": "99999999999", "from": "0", "to": "99999", "cohort": "0"},
    {"format": "csv", "o": "bogus", "programme": "x", "q": "\x00", "status": "x", "point": "x"},
    {"format": "xlsx", "waiting_days": "-1e400", "age_band": "x", "sector": "'\""},
    {"started_after": "0001-01-01", "ended_before": "9999-12-31", "waiting_days": "nan"},
    {"from": "²", "to": "١٩٩٥", "cohort": "³", "page": "²"},
]


@pytest.mark.parametrize("route", _routes(), ids=str)
def test_every_url_takes_the_known_troublemakers(route, matrix, db):
    client = matrix.client(_identity(route))
    base = _address(route, matrix, {})
    for query in TROUBLE:
        url = base + "?" + urlencode(query)
        response = client.get(url)
        assert response.status_code < 500, f"{url}: {getattr(response, 'exc_info', None)}"
