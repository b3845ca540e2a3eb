"""The role × URL matrix (issue 13): every URL of our apps, filled with the
records of ANOTHER organisation, requested with GET and POST by every kind of
person. DESIGN.md "Who sees what", STYLE.md "Access".

Each view declares its audience (``programmes.access``): ``role_required(...)``
or ``public``. The answer expected follows from that declaration alone:
- public: whoever asks, no 500 and no personal data of another organisation;
- role_required: anonymous → the sign-in page; a signed-in person holding none
  of the roles → 403; holding one of them, on another organisation's record →
  404 (never 200 with the record); a page without a record in its address →
  what they may see, without another organisation's data;
- GET on a POST-only view (or the reverse) may be a 405 when the response says
  so (its ``Allow`` header);
- nobody ever gets a 500.
A URL of our apps whose view declares neither fails here, so does a role
nobody can hold. The URLs come from the URLconf: a new one is in the matrix
without anyone adding it (its record parameters must be named in ``RECORDS``).

Third-party URLs (allauth's accounts/, i18n/) declare nothing; they are only
requested anonymously, to see that they do not break. The admin is left out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Lower
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.urls.resolvers import RegexPattern
from django.utils import timezone

from duos.access import MENTOR
from duos.models import (
    Concern,
    DataImport,
    Duo,
    FollowUpRequest,
    ImportKind,
    MatchDraft,
    MatchingRun,
    Mentee,
    Mentor,
    Outcome,
    TrainingSession,
)
from programmes.access import public
from programmes.models import Role
from tests import factories
from tests.conftest import World

# --- the URLconf ----------------------------------------------------------------------

# URLs that these packages' URLconfs define are not ours: they declare nothing.
# Every other URL is ours, a new app's included, and so is a third-party view
# that one of our URLconfs routes to.
THIRD_PARTY = ("allauth.", "django.")
LEFT_OUT_NAMESPACES = {"admin"}
KNOWN_ROLES = {*Role.values, MENTOR}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced: "duos:duo_detail"
    route: str  # the whole pattern, for the messages
    view: Callable = field(compare=False)
    params: tuple[str, ...]  # what the address carries
    defaults: dict = field(compare=False)
    urlconf: str  # the module that defines the pattern

    @property
    def ours(self) -> bool:
        return not self.urlconf.startswith(THIRD_PARTY)

    def __str__(self) -> str:
        return f"{self.name} ({self.route})"


def collect(resolver: URLResolver | None = None) -> list[Route]:
    """Every URL pattern under ``resolver`` (the project's by default), depth first."""

    def walk(resolver, prefix: str, namespace: str, params: tuple) -> Iterator[Route]:
        urlconf = resolver.urlconf_name  # a module, its dotted name, or a list
        urlconf = urlconf if isinstance(urlconf, str) else getattr(urlconf, "__name__", "")
        for entry in resolver.url_patterns:
            own = tuple(entry.pattern.regex.groupindex)
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                if inner in LEFT_OUT_NAMESPACES:
                    continue
                yield from walk(entry, prefix + str(entry.pattern), inner, params + own)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
                yield Route(
                    name=name,
                    route=prefix + str(entry.pattern),
                    view=entry.callback,
                    params=params + own,
                    defaults=dict(entry.default_args),
                    urlconf=urlconf,
                )

    return list(walk(resolver or get_resolver(), "", "", ()))


def declaration(view) -> str | tuple[str, ...] | None:
    """``"public"``, the roles of ``role_required``, or None (declares nothing)."""
    if getattr(view, "public", False) is True:
        return "public"
    return getattr(view, "required_roles", None) or None


def undeclared(routes: list[Route]) -> list[str]:
    """Our URLs whose view declares no audience (or a role nobody holds)."""
    problems = []
    for route in routes:
        if not route.ours:
            continue
        declared = declaration(route.view)
        if declared is None:
            problems.append(f"{route}: declares neither role_required(...) nor public")
        elif declared != "public" and set(declared) - KNOWN_ROLES:
            problems.append(f"{route}: unknown roles {sorted(set(declared) - KNOWN_ROLES)}")
        elif not route.name:
            problems.append(f"{route}: has no name")
    return problems


ROUTES = collect()
OURS = [r for r in ROUTES if r.ours]
THEIRS = [r for r in ROUTES if not r.ours]


# --- which record each parameter names ------------------------------------------------

# The record a URL's <uuid:uuid> names, by URL name. A URL with a uuid missing
# here fails: say which record it is.
RECORDS = {
    "programme": [
        "duos:programme",
        "duos:training_list",
        "duos:matching",
        "duos:weights",
        "programmes:programme_edit",
        "programmes:fundings",
        "programmes:organisation_create",
        "duos:import_upload",
        "duos:import_template_csv",
        "duos:import_template_xlsx",
        "duos:outcome_import_upload",
        "duos:outcome_import_template",
        "duos:outcome_import_template_xlsx",
        "duos:outcome_import_preview",
        "duos:outcome_import_confirm",
        "duos:history_upload",
        "duos:history_template",
        "duos:history_template_xlsx",
        "reporting:dashboard",
        "reporting:drill_down",
        "reporting:research_export",
        "reporting:esf",
        "reporting:reports",
        "reporting:report_publish",
    ],
    "duo": [
        "duos:duo_detail",
        "duos:duo_action",
        "duos:meeting_log",
        "duos:concern_raise",
        "duos:check_in",
        "duos:duo_close",
        "duos:duo_coach",
    ],
    "ended_duo": ["duos:outcome_edit", "duos:follow_up_send"],
    "mentee": [
        "duos:mentee_detail",
        "duos:mentee_screen",
        "duos:mentee_withdraw",
        "duos:mentee_merge",
        "duos:mentee_suggestions",
        "duos:propose",
        "duos:mentee_data",
        "duos:mentee_data_json",
        "duos:mentee_consent",
    ],
    "mentor": [
        "duos:mentor_detail",
        "duos:mentor_screen",
        "duos:mentor_withdraw",
        "duos:mentor_merge",
        "duos:mentor_account",
        "duos:mentor_data",
        "duos:mentor_data_json",
        "duos:mentor_consent",
    ],
    "meeting": ["duos:meeting_edit"],
    "concern": ["duos:concern_handle"],
    "training_session": ["duos:training_detail"],
    "matching_run": [
        "duos:matching_run",
        "duos:run_resolve",
        "duos:run_publish",
        "duos:draft_lock",
        "duos:draft_reject",
        "duos:rejection_undo",
        "duos:draft_swap",
    ],
    "participants_import": ["duos:import_preview", "duos:import_confirm"],
    "duos_import": ["duos:history_preview", "duos:history_confirm"],
    "follow_up_request": ["duos:follow_up_decide"],
    "membership": ["programmes:membership_revoke"],
    "published_report": ["reporting:report_pdf", "reporting:report_xlsx"],
    "funding": ["programmes:funding_edit"],
}
UUID_RECORD = {name: record for record, names in RECORDS.items() for name in names}
# Other uuid parameters name the same record in every URL.
PARAM_RECORD = {
    "mentor_uuid": "mentor",
    "mentee_uuid": "mentee",  # a mentee with a draft pair in the run
    "import_uuid": "outcomes_import",
    "other": "second_{kind}",  # the duplicate to merge, of the URL's kind
}
# Parameters that name no record: the pattern's default, else a valid value.
VALUES = {"kind": "mentee", "point": Outcome.Point.FOLLOW_UP, "fmt": "csv"}


def address(route: Route, org: Org) -> str:
    """The URL, its parameters filled with ``org``'s records."""
    kwargs = {}
    for param in route.params:
        if param == "uuid":
            if route.name not in UUID_RECORD:
                pytest.fail(f"{route}: say in RECORDS which record its uuid names")
            kwargs[param] = org.records[UUID_RECORD[route.name]].uuid
        elif param in PARAM_RECORD:
            record = PARAM_RECORD[param].format(**route.defaults)
            kwargs[param] = org.records[record].uuid
        elif param == "slug":
            kwargs[param] = org.records["programme"].slug
        elif param == "token":
            kwargs[param] = secrets.token_urlsafe(32)
        elif param in VALUES:
            kwargs[param] = route.defaults.get(param, VALUES[param])
        else:
            pytest.fail(f"{route}: no value for its parameter {param!r}")
    return reverse(route.name, kwargs=kwargs)


# --- two organisations, one person per role ---------------------------------------------


@dataclass
class Org:
    """One operator's programme, a record of every kind, and a word that is in
    every name, e-mail and note of its people (what must not show elsewhere)."""

    mark: str
    records: dict = field(default_factory=dict)


def _fill(org: Org, *, duo: Duo, coordinator, coach_membership, logged_by) -> None:
    programme = duo.programme
    ended = factories.DuoFactory(programme=programme, ended=True, coach=coach_membership.user)
    factories.OutcomeFactory(duo=ended, point=Outcome.Point.EXIT)
    mentee = factories.MenteeFactory(programme=programme)  # in the pool, with a draft pair
    mentor = factories.MentorFactory(programme=programme)
    run = MatchingRun.objects.create(
        programme=programme,
        weights=factories.MatchingWeightsFactory(programme=programme),
        status=MatchingRun.Status.DONE,
        created_by=coordinator,
    )
    MatchDraft.objects.create(run=run, mentee=mentee, mentor=mentor, score=80)
    imports = {
        kind: DataImport.objects.create(
            programme=programme,
            kind=kind,
            filename=f"{org.mark}.csv",
            content=f"ref,kind,first_name\nX1,mentee,{org.mark}\n".encode(),
            uploaded_by=coordinator,
        )
        for kind in ImportKind.values
    }
    now = timezone.now()
    org.records |= {
        "programme": programme,
        "duo": duo,
        "ended_duo": ended,
        "mentee": mentee,
        "mentor": mentor,
        "second_mentee": duo.mentee,
        "second_mentor": duo.mentor,
        "meeting": factories.MeetingFactory(duo=duo, logged_by=logged_by, note=org.mark),
        "concern": Concern.objects.create(duo=duo, raised_by=logged_by, text=org.mark),
        "training_session": TrainingSession.objects.create(
            programme=programme, title=org.mark, date=timezone.localdate()
        ),
        "matching_run": run,
        "participants_import": imports[ImportKind.PARTICIPANTS],
        "outcomes_import": imports[ImportKind.OUTCOMES],
        "duos_import": imports[ImportKind.DUOS],
        "follow_up_request": FollowUpRequest.objects.create(
            duo=ended,
            token_hash=hashlib.sha256(secrets.token_bytes(16)).hexdigest(),
            email=ended.mentee.email,
            expires_at=now + dt.timedelta(days=30),
            answered_at=now,
            answer=Outcome.Status.STILL_SEARCHING,
            needs_decision=True,
        ),
        "membership": coach_membership,
        "published_report": _published_report(programme, coordinator),
        "funding": factories.FundingFactory(programme=programme),
    }
    # Everyone of the programme carries the mark, in every field a page may show.
    for model in (Mentee, Mentor):
        model.objects.filter(programme=programme).update(
            first_name=org.mark,
            last_name=Concat(Value(f"{org.mark}-"), "ref"),
            email=Concat(Value(f"{org.mark.lower()}."), Lower("ref"), Value("@duo.invalid")),
        )


def _published_report(programme, coordinator):
    """A funder's yearly report of the programme (its figures frozen)."""
    from reporting.reports.publish import report_publish
    from reporting.services import snapshot_compute

    snapshot_compute(programme=programme)
    funding = factories.FundingFactory(programme=programme)
    return report_publish(
        coordinator,
        programme=programme,
        funding=funding,
        year=funding.starts_on.year,
        language="en",
        include_esf=False,
    )


class Matrix:
    """World's two operators, each with a record of every kind, and the people."""

    def __init__(self):
        world = World()
        self.first = Org(mark="Quokka")  # world.programme: everyone but the outsider
        self.second = Org(mark="Narwhal")  # world.other_programme: the outsider's
        second_coach = factories.MembershipFactory(
            organisation=world.other_programme.operator, role=Role.COACH
        )
        world.foreign_duo.coach = second_coach.user
        world.foreign_duo.save(update_fields=["coach"])
        _fill(
            self.first,
            duo=world.duo,
            coordinator=world.coordinator,
            coach_membership=world.coach.memberships.get(),
            logged_by=world.mentor_user,
        )
        _fill(
            self.second,
            duo=world.foreign_duo,
            coordinator=world.outsider,
            coach_membership=second_coach,
            logged_by=world.outsider,
        )
        for user in (world.coordinator, world.coach, world.mentor_user):
            user.first_name = user.last_name = self.first.mark
            user.save(update_fields=["first_name", "last_name"])
        for user in (world.outsider, second_coach.user):
            user.first_name = user.last_name = self.second.mark
            user.save(update_fields=["first_name", "last_name"])
        admin = factories.UserFactory(is_superuser=True, is_staff=True)
        users = {
            "mentor": world.mentor_user,
            "coach": world.coach,
            "coordinator": world.coordinator,
            "funder": world.funder,
            "evaluator": world.evaluator,
            "admin": admin,
            "outsider": world.outsider,
        }
        self.sessions = {}
        for identity, user in users.items():
            client = Client()
            client.force_login(user)
            self.sessions[identity] = client.cookies[settings.SESSION_COOKIE_NAME].value

    def client(self, identity: str) -> Client:
        """A fresh client (no cookies left by another test) signed in as ``identity``."""
        client = Client(raise_request_exception=False)
        if identity != ANONYMOUS:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[identity]
        return client

    def foreign(self, identity: str) -> Org:
        """The organisation whose records ``identity`` must not reach."""
        return self.first if identity == "outsider" else self.second


ANONYMOUS = "anonymous"
# What each identity holds, written out rather than asked of the access module.
HOLDS = {
    ANONYMOUS: set(),
    "mentor": {MENTOR},
    "coach": {Role.COACH},
    "coordinator": {Role.COORDINATOR},
    "funder": {Role.FUNDER},
    "evaluator": {Role.EVALUATOR},
    "admin": set(),  # a superuser: the Django admin only
    "outsider": {Role.COORDINATOR},  # of the second organisation
}


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """Built once for the module; each test's own writes are rolled back (``db``)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield Matrix()
        transaction.set_rollback(True)


# --- what the declaration promises -------------------------------------------------------


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def verdict(route: Route, identity: str, method: str, response, foreign: Org) -> str | None:
    """What is wrong with ``response``, or None."""
    status = response.status_code
    if status >= 500:
        exc = getattr(response, "exc_info", None)
        return f"{status} ({exc[1]!r})" if exc else str(status)
    if foreign.mark.lower() in _body(response).lower():
        return f"{status} showing the other organisation's record ({foreign.mark})"
    declared = declaration(route.view)
    if declared in (None, "public"):
        return None  # an undeclared view is reported once, by the test
    allowed = [m.strip() for m in response.get("Allow", "").split(",")]
    if status == 405 and method.upper() not in allowed:
        return None  # the view takes only the other method, and says so
    if identity == ANONYMOUS:
        login = resolve_url(settings.LOGIN_URL)
        if status == 302 and response["Location"].startswith(login):
            return None
        return f"{status}, expected 302 to {login}"
    if not HOLDS[identity] & set(declared):
        return None if status == 403 else f"{status}, expected 403 (holds none of {declared})"
    if route.params:
        return None if status == 404 else f"{status}, expected 404 (another organisation's)"
    return None if status in (200, 302, 400) else f"{status}, expected their own page"


@pytest.mark.parametrize("route", OURS, ids=str)
def test_matrix(route, matrix, db):
    problems = undeclared([route])
    for identity in HOLDS:
        foreign = matrix.foreign(identity)
        url = address(route, foreign)
        client = matrix.client(identity)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            problem = verdict(route, identity, method, response, foreign)
            if problem:
                problems.append(f"{identity} {method.upper()} {url}: {problem}")
    if route.params and declaration(route.view) not in (None, "public"):
        problems += _control(route, matrix)
    assert not problems, "\n".join(problems)


def _control(route: Route, matrix: Matrix) -> list[str]:
    """The same address with the records of the coordinator's own organisation:
    they reach it (whatever the page then says), so the 404s above come from
    the access rules and not from an address that names nothing."""
    url = address(route, matrix.second)
    client = matrix.client("outsider")  # coordinator of the second organisation
    problems = []
    for method in ("get", "post"):
        status = getattr(client, method)(url).status_code
        if status in (403, 404) or status >= 500:
            problems.append(f"control: their own coordinator {method.upper()} {url}: {status}")
    return problems


@pytest.mark.parametrize("route", THEIRS, ids=str)
def test_third_party_urls_do_not_break(route, db):
    """allauth and i18n, anonymously: anything but a 500 (their parameters
    get a value of the right shape, which names nothing)."""
    url = reverse(route.name, kwargs={param: "abc1" for param in route.params})
    client = Client(raise_request_exception=False)
    for method in ("get", "post"):
        status = getattr(client, method)(url).status_code
        assert status < 500, f"{method.upper()} {url}: {status}"


# --- every URL of ours declares its audience -----------------------------------------------


def test_every_url_of_ours_declares_its_audience():
    assert OURS, "no URL collected"
    assert not undeclared(ROUTES), "\n".join(undeclared(ROUTES))
    assert {r.name for r in THEIRS} >= {"account_login", "set_language"}


def test_every_record_named_in_the_matrix_is_a_url():
    names = {r.name for r in OURS}
    assert not set(UUID_RECORD) - names, "RECORDS names URLs that are gone"


def _forgotten(request):
    """A new view that declares nothing."""


def test_a_new_url_without_a_declaration_fails():
    resolver = URLResolver(
        RegexPattern(r"^/"),
        [
            path("new/<uuid:uuid>/", _forgotten, name="new"),
            path("open/", public(lambda request: None), name="open"),
        ],
    )
    routes = collect(resolver)
    assert [r.name for r in routes] == ["new", "open"]
    assert undeclared(routes) == [
        "new (new/<uuid:uuid>/): declares neither role_required(...) nor public"
    ]


def test_a_view_that_loses_its_declaration_fails(monkeypatch):
    problem = "duos:duo_detail (duos/<uuid:uuid>/): declares neither role_required(...) nor public"
    assert problem not in undeclared(collect())
    view = next(r.view for r in OURS if r.name == "duos:duo_detail")
    monkeypatch.delattr(view, "required_roles")
    assert problem in undeclared(collect())


def test_a_role_nobody_holds_fails(monkeypatch):
    view = next(r.view for r in OURS if r.name == "reporting:dashboard_list")
    monkeypatch.setattr(view, "required_roles", (Role.COORDINATOR, "founder"))
    assert "reporting:dashboard_list (figures/): unknown roles ['founder']" in undeclared(collect())
