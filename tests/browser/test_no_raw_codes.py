"""Labels everywhere a person reads (issue 16, parts 1 and 7).

For each role, in Dutch, French and English, walk the pages that role uses
over a realistic programme (mentees and mentors with sectors, languages and
availability; duos with meetings, outcomes, concerns and check-ins; a snapshot
of figures) and read each page's visible text:

- no stored code shows as a word ("logistics", "ar", "still_searching",
  "25_54", "isced_0_2"…): codes belong to CSV/JSON columns only;
- a Dutch or French page shows no English sentence of the project's own
  catalogue that has a translation (an untranslated new string is reported by
  the lead's catalogue update, not here: the check uses translated msgids only);
- on a 360 px wide phone the header is one line.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.db.models import TextChoices
from django.test import Client
from django.utils import timezone, translation
from playwright.sync_api import expect

from duos.models import CheckIn, Concern, DuoFeedback, choices
from duos.vocab import LANGUAGES, SECTORS
from programmes import models as programme_models
from programmes.models import Role
from reporting.services import snapshot_compute
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LOCALES = {"nl": "nl-BE", "fr": "fr-BE", "en": "en-GB"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
HEADER_MAX_PX = 56
LOCALE_DIR = Path(settings.BASE_DIR) / "locale"


# --- what must not be read -------------------------------------------------------------


# Codes that are also everyday words of a page's language.
PROSE = {"en": {"it", "so"}, "nl": {"de", "en", "coach"}, "fr": {"de", "en", "coach", "social"}}
# Kinds of import ("participants", "duos", "outcomes") are plain words, not codes of DESIGN.md.
NOT_CODES = {choices.ImportKind}


def _choice_classes() -> list[type[TextChoices]]:
    found = []
    for module in (choices, programme_models):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, TextChoices)
                and value is not TextChoices
                and value not in NOT_CODES
            ):
                found.append(value)
    return found


@cache
def _catalogue(language: str) -> polib.POFile | None:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    return polib.pofile(str(path)) if path.exists() else None


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"[\w-]+", text))


@cache
def _words_of(language: str) -> frozenset[str]:
    """Words the project's own UI text uses in ``language``: a code that is also
    one of them cannot be told apart from prose, so it is not looked for on that
    language's pages. In Dutch and French only the words of the translations
    that the English text does not use: a word in both ("ar", "female" in the
    import format's help) is a code quoted verbatim, not prose."""
    english: set[str] = set()
    translated: set[str] = set()
    for entry in _catalogue("nl" if language == "en" else language) or ():
        english |= _tokens(entry.msgid) | _tokens(entry.msgid_plural or "")
        translated |= _tokens(entry.msgstr)
        for text in entry.msgstr_plural.values():
            translated |= _tokens(text)
    return frozenset(english if language == "en" else translated - english)


@cache
def codes_for(language: str) -> frozenset[str]:
    """The codes of DESIGN.md (the TextChoices values, the sector and language
    lists) that must not appear as a word on a page in ``language``."""
    with translation.override(language):
        pairs = [(c, str(label)) for cls in _choice_classes() for c, label in cls.choices]
        pairs += [(c, str(label)) for c, label in SECTORS + LANGUAGES]
    codes = {
        code
        for code, label in pairs
        # "internship" → "Internship" in English: the code is the word itself.
        if code.lower() != label.lower()
    }
    return frozenset(codes - _words_of(language) - PROSE[language])


@cache
def english_sentences(language: str) -> tuple[str, ...]:
    """English msgids of more than one word whose ``language`` translation differs."""
    po = _catalogue(language)
    found = []
    for entry in po or ():
        msgid = entry.msgid
        if (
            entry.obsolete
            or "fuzzy" in entry.flags
            or entry.msgid_plural
            or not entry.msgstr
            or entry.msgstr.strip() == msgid.strip()
            or len(msgid.split()) < 2
            or re.search(r"[%{}<>\n]", msgid)
        ):
            continue
        found.append(msgid)
    return tuple(found)


def problems_on(page, language: str) -> list[str]:
    text = page.evaluate("document.body.innerText")
    where = f"{language} {page.url.split('/', 3)[-1]}"
    problems = [f"{where}: code {code!r}" for code in sorted(_tokens(text) & codes_for(language))]
    if language != "en":
        problems += [
            f"{where}: English {msgid!r}" for msgid in english_sentences(language) if msgid in text
        ]
    return problems


# --- the world -------------------------------------------------------------------------


def _days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


class World:
    def __init__(self):
        self.programme = factories.ProgrammeFactory(
            name="Mentoraat Anderlecht",
            languages=["nl", "fr", "de"],  # working languages: programmes.models.Language
            mentee_education_levels=["isced_0_2", "isced_3_4"],
        )
        operator = self.programme.operator
        self.users = {}
        for role in (Role.COORDINATOR, Role.COACH):
            self.users[role] = factories.MembershipFactory(
                organisation=operator, role=role, user__first_name="Sofie", user__last_name="Maes"
            ).user
        funder = factories.FunderFactory(name="Stadsfonds")
        factories.FundingFactory(funder=funder, programme=self.programme)
        self.users[Role.FUNDER] = factories.MembershipFactory(
            organisation=funder, role=Role.FUNDER, programmes=[self.programme]
        ).user
        research = factories.OrganisationFactory(name="Onderzoekslab", kind="research")
        self.users[Role.EVALUATOR] = factories.MembershipFactory(
            organisation=research, role=Role.EVALUATOR, programmes=[self.programme]
        ).user
        self.users["mentor"] = factories.UserFactory(first_name="Luc", last_name="Peeters")
        coach = self.users[Role.COACH]
        self.mentor = factories.MentorFactory(
            programme=self.programme,
            user=self.users["mentor"],
            first_name="Luc",
            last_name="Peeters",
            capacity=3,
            languages=["nl", "fr", "ar"],
            sectors=["logistics", "retail"],
            available_slots=["weekday_evening", "weekend"],
            education_level="isced_5_8",
            gender="male",
            status="in_duo",
        )
        people = [
            ("Amina", "female", "under_25", "isced_0_2", ["ar", "fr"], ["logistics", "retail"]),
            ("Yusuf", "male", "25_54", "isced_3_4", ["tr", "nl"], ["hospitality"]),
            ("Sam", "non_binary", "under_25", "isced_0_2", ["ar", "ber"], ["ict", "cleaning"]),
            ("Nadia", "female", "25_54", "isced_3_4", ["fr", "ln"], ["healthcare"]),
        ] + [
            (f"Mentee{n}", gender, band, level, ["fr"], ["construction"])
            for n, (gender, band, level) in enumerate(
                [("female", "under_25", "isced_0_2"), ("male", "over_54", "isced_3_4")] * 6
            )
        ]
        self.mentees = [
            factories.MenteeFactory(
                programme=self.programme,
                first_name=first,
                last_name="Testa",
                gender=gender,
                age_band_at_entry=band,
                education_level=level,
                languages=languages,
                sectors=sectors,
                available_slots=["weekday_daytime", "weekend"],
                employment_status_at_entry="long_term_unemployed",
                referral_source="employment_service",
                status="done",
            )
            for first, gender, band, level, languages, sectors in people
        ]
        self.active = factories.DuoFactory(
            programme=self.programme, mentee=self.mentees[0], mentor=self.mentor, coach=coach
        )
        self.mentees[0].status = "in_duo"
        self.mentees[0].save(update_fields=["status"])
        for days, mode, topics in (
            (50, "workplace", ["cv", "applications", "interview"]),
            (35, "video", ["network", "orientation", "wellbeing"]),
            (20, "phone", ["administration", "language", "training"]),
        ):
            factories.MeetingFactory(
                duo=self.active,
                date=_days_ago(days),
                mode=mode,
                topics=topics,
                logged_by=self.users["mentor"],
            )
        CheckIn.objects.create(
            duo=self.active, author=coach, kind="mid_term", on=_days_ago(30), risk="low"
        )
        Concern.objects.create(
            duo=self.active, raised_by=self.users["mentor"], urgent=True, text="Amina is ziek."
        )
        statuses = ["employed", "self_employed", "training", "studies", "internship"]
        statuses += ["still_searching", "inactive", "unknown"]
        reasons = ["completed", "goal_reached", "mentee_withdrew", "mentor_withdrew", "mismatch"]
        self.ended = []
        for n, mentee in enumerate(self.mentees[1:]):
            duo = factories.DuoFactory(
                programme=self.programme,
                mentee=mentee,
                mentor=self.mentor,
                coach=coach,
                ended=True,
                end_reason=reasons[n % len(reasons)],
            )
            status = statuses[n % len(statuses)]
            for point, on in (("exit", duo.ended_on), ("follow_up", duo.ended_on)):
                factories.OutcomeFactory(
                    duo=duo,
                    point=point,
                    date=on,
                    status=status,
                    contract_type="temporary_agency" if status == "employed" else "",
                    source="employment_service",
                )
            factories.MeetingFactory(duo=duo, mode="in_person", topics=["cv", "network"])
            self.ended.append(duo)
        DuoFeedback.objects.create(duo=self.ended[0], respondent="mentee", satisfaction=4)
        waiting = factories.MenteeFactory(
            programme=self.programme,
            first_name="Khadija",
            last_name="Testa",
            languages=["ar", "so"],
            sectors=["social", "education"],
            status="ready",
        )
        self.proposed = factories.DuoFactory(
            programme=self.programme,
            mentee=waiting,
            mentor=self.mentor,
            coach=coach,
            proposed=True,
            match_score=72,
            score_components=[
                {"component": "sector", "points": 40, "detail": "social"},
                {"component": "language", "points": 25, "detail": "ar"},
            ],
        )
        snapshot_compute(programme=self.programme, trigger="test")


@pytest.fixture
def world(transactional_db):
    return World()


# --- walking ---------------------------------------------------------------------------


def signed_in(browser, live_server, user, language: str, viewport: dict):
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        locale=LOCALES[language],
        timezone_id="Europe/Brussels",
        viewport=viewport,
        base_url=live_server.url,
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    return context, page, errors


def walk(page, paths: list[str], language: str) -> list[str]:
    problems = []
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response.status}"
        assert page.evaluate("document.documentElement.lang") == language, path
        problems += problems_on(page, language)
    return problems


def header_height(page) -> float:
    return page.get_by_role("banner").bounding_box()["height"]


def pages_of(role: str, world: World) -> list[str]:
    p = world.programme.uuid
    duos = [f"/duos/{world.active.uuid}/", f"/duos/{world.ended[0].uuid}/"]
    duos.append(f"/duos/{world.proposed.uuid}/")
    figures = ["/figures/", f"/figures/{p}/", f"/programmes/{p}/"]
    figures += [f"/figures/{p}/esf/", f"/figures/{p}/reports/"]
    if role == Role.COORDINATOR:
        mentee, mentor = world.mentees[0].uuid, world.mentor.uuid
        return [
            "/",
            "/duos/",
            "/mentees/",
            "/mentors/",
            f"/mentees/{mentee}/",
            f"/mentees/{world.mentees[2].uuid}/",
            f"/mentors/{mentor}/",
            f"/mentees/{mentee}/data/",
            *duos,
            *figures,
            f"/figures/{p}/trajectories/",
        ]
    if role == Role.COACH:
        return ["/", "/duos/", *duos]
    if role == "mentor":
        return ["/", f"/duos/{world.active.uuid}/", f"/duos/{world.proposed.uuid}/"]
    return ["/", *figures]


ROLES = [Role.COORDINATOR, Role.COACH, "mentor", Role.FUNDER, Role.EVALUATOR]


@pytest.mark.parametrize("role", ROLES)
def test_no_raw_code_and_no_english_on_translated_pages(role, world, browser, live_server):
    user = world.users[role]
    paths = pages_of(role, world)
    problems = []
    for language in LOCALES:
        viewport = PHONE if role == "mentor" else DESKTOP
        context, page, errors = signed_in(browser, live_server, user, language, viewport)
        try:
            problems += walk(page, paths, language)
            assert errors == []
        finally:
            context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", [Role.COORDINATOR, "mentor"])
def test_the_header_is_one_line_on_a_phone(role, world, browser, live_server, screenshot):
    for language in ("nl", "fr"):  # the longest words ("Se déconnecter")
        context, page, errors = signed_in(
            browser, live_server, world.users[role], language, SMALL_PHONE
        )
        try:
            page.goto("/")
            assert header_height(page) <= HEADER_MAX_PX, language
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            # The navigation and the language switch are in the menu, closed at first.
            banner = page.get_by_role("banner")
            switch = banner.locator("select[name=language]")
            expect(switch).to_be_hidden()
            banner.locator(".menu-button").click()
            expect(switch).to_be_visible()
            home = banner.get_by_role("navigation").get_by_role("link").first
            expect(home).to_be_visible()
            if language == "nl":
                screenshot(page, f"{role}-menu-open")
            # Signing out stays one tap away.
            expect(banner.locator(".signout button")).to_be_visible()
            assert errors == []
        finally:
            context.close()


def test_the_header_is_the_bar_itself_on_a_laptop(world, browser, live_server):
    context, page, _errors = signed_in(
        browser, live_server, world.users[Role.COORDINATOR], "en", DESKTOP
    )
    try:
        page.goto("/")
        banner = page.get_by_role("banner")
        expect(banner.locator(".menu-button")).to_be_hidden()
        expect(banner.get_by_role("navigation").get_by_role("link", name="Mentees")).to_be_visible()
        expect(banner.locator("select[name=language]")).to_be_visible()
    finally:
        context.close()
