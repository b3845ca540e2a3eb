"""Who sees what, read from the rendered pages (DESIGN.md "Who sees what").

One duo of a programme lived its whole life through the real services: a
meeting logged by the coordinator and one by the mentor, a coach's check-in, a
concern the mentor raised and the coach handled, then closed with both sides'
feedback and outcomes at exit and at follow-up. A second duo of the same mentor
is still active. Each role reads the duo page, the mentee's and the mentor's
pages, the duo list and the home page; every "must not be there" is checked
against the coordinator's page first, so that no assertion passes only because
the string is never rendered for anyone.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from duos import access, services
from duos.models import (
    CheckInKind,
    Duo,
    EndReason,
    Outcome,
    PipelineStatus,
    Respondent,
    Risk,
)
from duos.services import workspace
from programmes.models import Role
from tests import factories

PROGRAMME = "Visibility programme"
MENTEE_FIRST = "Ysalinde"
MENTEE_LAST = "Vandermeulenbroeck"
MENTEE_EMAIL = "ysalinde.mentee-4411@duo.invalid"
MENTEE_PHONE = "+32 470 44 11 22"
MENTOR_FIRST = "Theodoric"
MENTOR_LAST = "Oosterlinckx"
MENTOR_EMAIL = "theodoric.mentor-5512@duo.invalid"
MENTOR_PHONE = "+32 480 55 12 99"
ACTIVE_MENTEE_FIRST = "Noorleen"
ACTIVE_MENTEE_LAST = "Achterberghe"
ACTIVE_MENTEE_EMAIL = "noorleen.active-6060@duo.invalid"
ACTIVE_MENTEE_PHONE = "+32 470 60 60 61"

MENTEE_COMMENT = "MENTEE-PRIVATE-COMMENT-7731"
MENTOR_COMMENT = "MENTOR-COMMENT-5512"
COORDINATOR_NOTE = "COORDINATOR-MEETING-NOTE-3391"
MENTOR_NOTE = "MENTOR-MEETING-NOTE-8824"
CHECK_IN_NOTE = "COACH-CHECK-IN-NOTE-6620"
CONCERN_TEXT = "MENTOR-CONCERN-TEXT-4477"
RESOLUTION = "COACH-RESOLUTION-9902"
# Recorded, though no page shows an outcome's note (not even to coordinators).
OUTCOME_NOTE = "OUTCOME-NOTE-2208"

# Outcome statuses whose labels appear nowhere else on these pages.
EXIT_STATUS = Outcome.Status.INTERNSHIP
FOLLOW_UP_STATUS = Outcome.Status.SELF_EMPLOYED
EXIT_LABEL = str(EXIT_STATUS.label)
FOLLOW_UP_LABEL = str(FOLLOW_UP_STATUS.label)
CHECK_IN_LABEL = str(CheckInKind.MID_TERM.label)

OUTCOMES = [EXIT_LABEL, FOLLOW_UP_LABEL]
FEEDBACK = [MENTEE_COMMENT, MENTOR_COMMENT]
MENTEE_CONTACT = [MENTEE_EMAIL, MENTEE_PHONE]
MENTOR_CONTACT = [MENTOR_EMAIL, MENTOR_PHONE]
NAMES = [MENTEE_FIRST, MENTEE_LAST, MENTOR_FIRST, MENTOR_LAST]
NAMES += [ACTIVE_MENTEE_FIRST, ACTIVE_MENTEE_LAST]
CONTACTS = MENTEE_CONTACT + MENTOR_CONTACT + [ACTIVE_MENTEE_EMAIL, ACTIVE_MENTEE_PHONE]
NOTES = [COORDINATOR_NOTE, MENTOR_NOTE, CHECK_IN_NOTE, CONCERN_TEXT, RESOLUTION]
EVERYTHING = NAMES + CONTACTS + NOTES + FEEDBACK + OUTCOMES

PERSON_KINDS = ["mentee", "mentor"]
# The DuoView flags checked per role and status.
FLAGS = (
    "mentee_contact",
    "mentor_contact",
    "outcomes",
    "feedback",
    "support",
    "log_meeting",
    "close",
    "record_outcome",
)


def _member(organisation, role, **kwargs):
    return factories.MembershipFactory(organisation=organisation, role=role, **kwargs).user


class People:
    """Everyone around one programme, and a coordinator of another operator."""

    def __init__(self):
        self.programme = factories.ProgrammeFactory(name=PROGRAMME)
        operator = self.programme.operator
        self.coordinator = _member(operator, Role.COORDINATOR)
        self.coach = _member(operator, Role.COACH)
        self.other_coach = _member(operator, Role.COACH)  # follows no duo here
        self.outsider = _member(factories.ProgrammeFactory().operator, Role.COORDINATOR)
        self.funder = _member(factories.FunderFactory(), Role.FUNDER, programmes=[self.programme])
        self.evaluator = _member(
            factories.OrganisationFactory(kind="research"),
            Role.EVALUATOR,
            programmes=[self.programme],
        )
        self.anonymous = None
        self.mentor_user = factories.UserFactory(first_name=MENTOR_FIRST, last_name=MENTOR_LAST)
        self.mentor = factories.MentorFactory(
            programme=self.programme,
            user=self.mentor_user,
            first_name=MENTOR_FIRST,
            last_name=MENTOR_LAST,
            email=MENTOR_EMAIL,
            phone=MENTOR_PHONE,
            capacity=2,
            status=PipelineStatus.IN_DUO,
        )
        # A mentor of another duo of the same programme.
        self.other_mentor_user = factories.DuoFactory(
            programme=self.programme, mentor__user=factories.UserFactory()
        ).mentor.user


class Scene(People):
    def __init__(self):
        super().__init__()
        today = timezone.localdate()
        started = today - dt.timedelta(days=400)
        self.mentee = factories.MenteeFactory(
            programme=self.programme,
            first_name=MENTEE_FIRST,
            last_name=MENTEE_LAST,
            email=MENTEE_EMAIL,
            phone=MENTEE_PHONE,
            status=PipelineStatus.IN_DUO,
        )
        self.duo = factories.DuoFactory(
            programme=self.programme,
            mentee=self.mentee,
            mentor=self.mentor,
            coach=self.coach,
            started_on=started,
        )
        self.active_mentee = factories.MenteeFactory(
            programme=self.programme,
            first_name=ACTIVE_MENTEE_FIRST,
            last_name=ACTIVE_MENTEE_LAST,
            email=ACTIVE_MENTEE_EMAIL,
            phone=ACTIVE_MENTEE_PHONE,
            status=PipelineStatus.IN_DUO,
        )
        self.active_duo = factories.DuoFactory(
            programme=self.programme, mentee=self.active_mentee, mentor=self.mentor
        )
        services.meeting_record(
            self.coordinator,
            duo=self.duo,
            date=started + dt.timedelta(days=7),
            minutes=60,
            mode="workplace",
            topics=["cv"],
            note=COORDINATOR_NOTE,
        )
        services.meeting_record(
            self.mentor_user,
            duo=self.duo,
            date=started + dt.timedelta(days=21),
            minutes=45,
            mode="video",
            topics=["network"],
            note=MENTOR_NOTE,
        )
        workspace.check_in_record(
            self.coach,
            duo=self.duo,
            kind=CheckInKind.MID_TERM,
            on=started + dt.timedelta(days=60),
            note=CHECK_IN_NOTE,
            risk=Risk.LOW,
        )
        concern = workspace.concern_raise(
            self.mentor_user, duo=self.duo, text=CONCERN_TEXT, urgent=False
        )
        workspace.concern_handle(self.coach, concern=concern, resolution=RESOLUTION)
        services.duo_close(
            self.coordinator,
            duo=self.duo,
            ended_on=started + dt.timedelta(weeks=26),
            end_reason=EndReason.COMPLETED,
            exit_status=EXIT_STATUS,
            feedback=[
                {
                    "respondent": Respondent.MENTEE,
                    "satisfaction": 2,
                    "would_recommend": False,
                    "comment": MENTEE_COMMENT,
                },
                {
                    "respondent": Respondent.MENTOR,
                    "satisfaction": 5,
                    "would_recommend": True,
                    "comment": MENTOR_COMMENT,
                },
            ],
        )
        services.outcome_record(
            self.coordinator,
            duo=self.duo,
            point=Outcome.Point.FOLLOW_UP,
            status=FOLLOW_UP_STATUS,
            source=Outcome.Source.MENTEE,
            note=OUTCOME_NOTE,
        )
        self.duo.refresh_from_db()
        assert self.duo.status == Duo.Status.ENDED
        assert self.active_duo.status == Duo.Status.ACTIVE


@pytest.fixture
def people(db):
    return People()


@pytest.fixture
def scene(db):
    return Scene()


def _get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def _page(client, user, url) -> str:
    response = _get(client, user, url)
    assert response.status_code == 200, url
    return response.content.decode()


def _duo_url(duo):
    return reverse("duos:duo_detail", args=[duo.uuid])


def _person_url(scene, kind):
    person = scene.mentee if kind == "mentee" else scene.mentor
    return reverse(f"duos:{kind}_detail", args=[person.uuid])


def _assert_hidden(page: str, strings, *, reference: str) -> None:
    """None of ``strings`` on ``page``, each of them on ``reference`` (the
    coordinator's page), so that the absence means something."""
    for text in strings:
        assert text in reference, f"{text!r} is not even on the coordinator's page"
    leaked = [text for text in strings if text in page]
    assert leaked == []


def _assert_sign_in(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- the coordinator: everything ---------------------------------------------------


def test_the_coordinator_sees_everything_on_the_duo_page(client, scene):
    page = _page(client, scene.coordinator, _duo_url(scene.duo))
    for text in [MENTEE_FIRST, MENTEE_LAST, MENTOR_FIRST, MENTOR_LAST, CHECK_IN_LABEL]:
        assert text in page
    for text in MENTEE_CONTACT + MENTOR_CONTACT + NOTES + FEEDBACK + OUTCOMES:
        assert text in page
    assert f"Handled: {RESOLUTION}" in page


@pytest.mark.parametrize("kind", PERSON_KINDS)
def test_the_coordinator_sees_contacts_and_outcomes_on_person_pages(client, scene, kind):
    page = _page(client, scene.coordinator, _person_url(scene, kind))
    contact = MENTEE_CONTACT if kind == "mentee" else MENTOR_CONTACT
    for text in [MENTEE_FIRST, MENTEE_LAST, MENTOR_FIRST, MENTOR_LAST, *contact, *OUTCOMES]:
        assert text in page


# --- the mentor ----------------------------------------------------------------------


def test_the_mentor_sees_the_ended_duo_without_its_private_side(client, scene):
    url = _duo_url(scene.duo)
    reference = _page(client, scene.coordinator, url)
    page = _page(client, scene.mentor_user, url)
    hidden = OUTCOMES + FEEDBACK + MENTEE_CONTACT + [MENTEE_LAST]
    hidden += [CHECK_IN_NOTE, CHECK_IN_LABEL, RESOLUTION, COORDINATOR_NOTE]
    _assert_hidden(page, hidden, reference=reference)
    # What is theirs: the mentee's first name, their own note, their concern
    # and that it was handled (not how).
    for text in [MENTEE_FIRST, MENTOR_NOTE, CONCERN_TEXT, "Handled on"]:
        assert text in page


def test_the_mentor_sees_the_mentees_contact_while_the_duo_is_active(client, scene):
    url = _duo_url(scene.active_duo)
    reference = _page(client, scene.coordinator, url)
    page = _page(client, scene.mentor_user, url)
    assert ACTIVE_MENTEE_FIRST in page
    assert ACTIVE_MENTEE_EMAIL in page and ACTIVE_MENTEE_PHONE in page
    assert reverse("duos:meeting_log", args=[scene.active_duo.uuid]) in page
    close = reverse("duos:duo_close", args=[scene.active_duo.uuid])
    _assert_hidden(page, [ACTIVE_MENTEE_LAST, close], reference=reference)


def test_the_mentors_home_shows_the_active_mentees_contact_only(client, scene):
    reference = _page(client, scene.coordinator, _duo_url(scene.duo))
    reference += _page(client, scene.coordinator, _duo_url(scene.active_duo))
    page = _page(client, scene.mentor_user, reverse("home"))
    assert ACTIVE_MENTEE_EMAIL in page and ACTIVE_MENTEE_PHONE in page
    hidden = MENTEE_CONTACT + [MENTEE_LAST, ACTIVE_MENTEE_LAST] + OUTCOMES + FEEDBACK
    hidden += [CHECK_IN_NOTE, RESOLUTION, COORDINATOR_NOTE]
    _assert_hidden(page, hidden, reference=reference)


# --- the coach -----------------------------------------------------------------------


def test_the_coach_sees_contacts_and_support_but_no_outcome_or_feedback(client, scene):
    url = _duo_url(scene.duo)
    reference = _page(client, scene.coordinator, url)
    page = _page(client, scene.coach, url)
    for text in MENTEE_CONTACT + MENTOR_CONTACT + [MENTEE_FIRST, CHECK_IN_NOTE, CHECK_IN_LABEL]:
        assert text in page
    for text in [CONCERN_TEXT, f"Handled: {RESOLUTION}", COORDINATOR_NOTE, MENTOR_NOTE]:
        assert text in page
    record = reverse("duos:outcome_edit", args=[scene.duo.uuid, "follow_up"])
    _assert_hidden(page, OUTCOMES + FEEDBACK + [MENTEE_LAST, record], reference=reference)


def test_a_coach_whose_membership_was_revoked_no_longer_sees_the_duo(client, scene):
    membership = scene.coach.memberships.get(role=Role.COACH)
    membership.revoked_at = timezone.now()
    membership.save(update_fields=["revoked_at"])
    view = access.duo_view(scene.coach, scene.duo)
    assert {flag for flag in FLAGS if getattr(view, flag)} == set()
    response = _get(client, scene.coach, _duo_url(scene.duo))
    assert response.status_code == 403
    assert [text for text in EVERYTHING if text in response.content.decode()] == []


# --- pages nobody but the coordinator opens ------------------------------------------


@pytest.mark.parametrize("kind", PERSON_KINDS)
@pytest.mark.parametrize("role", ["mentor_user", "coach", "other_coach", "funder", "evaluator"])
def test_person_pages_are_refused_to_every_other_member(client, scene, role, kind):
    response = _get(client, getattr(scene, role), _person_url(scene, kind))
    assert response.status_code == 403
    page = response.content.decode()
    assert [text for text in EVERYTHING if text in page] == []


@pytest.mark.parametrize("kind", PERSON_KINDS)
def test_person_pages_are_not_found_for_another_organisation(client, scene, kind):
    response = _get(client, scene.outsider, _person_url(scene, kind))
    assert response.status_code == 404
    page = response.content.decode()
    assert [text for text in EVERYTHING if text in page] == []


@pytest.mark.parametrize("kind", PERSON_KINDS)
def test_person_pages_send_anonymous_visitors_to_sign_in(client, scene, kind):
    _assert_sign_in(_get(client, None, _person_url(scene, kind)))


@pytest.mark.parametrize("duo", ["duo", "active_duo"])
@pytest.mark.parametrize(
    "role, status",
    [
        ("funder", 403),
        ("evaluator", 403),
        ("other_coach", 403),
        ("other_mentor_user", 403),
        ("outsider", 404),
    ],
)
def test_the_duo_page_is_refused(client, scene, duo, role, status):
    response = _get(client, getattr(scene, role), _duo_url(getattr(scene, duo)))
    assert response.status_code == status
    page = response.content.decode()
    assert [text for text in EVERYTHING if text in page] == []


@pytest.mark.parametrize("duo", ["duo", "active_duo"])
def test_the_duo_page_sends_anonymous_visitors_to_sign_in(client, scene, duo):
    _assert_sign_in(_get(client, None, _duo_url(getattr(scene, duo))))


# --- the duo list --------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, listed, unlisted",
    [
        ("coordinator", [MENTEE_FIRST, ACTIVE_MENTEE_FIRST], []),
        ("mentor_user", [MENTEE_FIRST, ACTIVE_MENTEE_FIRST], []),
        ("coach", [MENTEE_FIRST], [ACTIVE_MENTEE_FIRST]),
        ("other_coach", [], [PROGRAMME, MENTEE_FIRST, ACTIVE_MENTEE_FIRST]),
        ("outsider", [], [PROGRAMME, MENTEE_FIRST, ACTIVE_MENTEE_FIRST]),
    ],
)
def test_the_duo_list_shows_first_names_of_the_duos_one_sees(client, scene, role, listed, unlisted):
    reference = _page(client, scene.coordinator, _duo_url(scene.duo))
    reference += _page(client, scene.coordinator, _duo_url(scene.active_duo))
    page = _page(client, getattr(scene, role), reverse("duos:duo_list"))
    for text in listed:
        assert text in page
    hidden = [*unlisted, MENTEE_LAST, ACTIVE_MENTEE_LAST, *CONTACTS, *NOTES, *FEEDBACK, *OUTCOMES]
    _assert_hidden(page, hidden, reference=reference)


@pytest.mark.parametrize("role", ["funder", "evaluator"])
def test_the_duo_list_is_refused_to_funders_and_evaluators(client, scene, role):
    response = _get(client, getattr(scene, role), reverse("duos:duo_list"))
    assert response.status_code == 403
    assert [text for text in EVERYTHING if text in response.content.decode()] == []


def test_the_duo_list_sends_anonymous_visitors_to_sign_in(client, scene):
    _assert_sign_in(_get(client, None, reverse("duos:duo_list")))


# --- the home page -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["funder", "evaluator", "outsider", "anonymous"])
def test_home_shows_nothing_personal_to_those_without_duos(client, scene, role):
    reference = _page(client, scene.coordinator, _duo_url(scene.duo))
    reference += _page(client, scene.coordinator, _duo_url(scene.active_duo))
    page = _page(client, getattr(scene, role), reverse("home"))
    if role in ("funder", "evaluator"):
        assert scene.programme.name in page
    _assert_hidden(page, EVERYTHING, reference=reference)


def test_the_coachs_home_shows_no_outcome_feedback_or_last_name(client, scene):
    reference = _page(client, scene.coordinator, _duo_url(scene.duo))
    page = _page(client, scene.coach, reverse("home"))
    _assert_hidden(page, OUTCOMES + FEEDBACK + [MENTEE_LAST], reference=reference)


# --- DuoView: the flags per role and status ----------------------------------------

COORDINATOR_ALWAYS = {"mentee_contact", "mentor_contact", "outcomes", "feedback", "support"}
COACH_ALWAYS = {"mentee_contact", "mentor_contact", "support"}
NOTHING = set()
GRANTED = {
    ("coordinator", "proposed"): COORDINATOR_ALWAYS,
    ("coordinator", "active"): COORDINATOR_ALWAYS | {"log_meeting", "close"},
    ("coordinator", "ended"): COORDINATOR_ALWAYS | {"record_outcome"},
    ("coach", "proposed"): COACH_ALWAYS,
    ("coach", "active"): COACH_ALWAYS,
    ("coach", "ended"): COACH_ALWAYS,
    ("mentor_user", "proposed"): {"mentee_contact"},
    ("mentor_user", "active"): {"mentee_contact", "log_meeting"},
    ("mentor_user", "ended"): NOTHING,
}
for _role in ("other_coach", "other_mentor_user", "funder", "evaluator", "outsider", "anonymous"):
    for _status in ("proposed", "active", "ended"):
        GRANTED[(_role, _status)] = NOTHING


@pytest.mark.parametrize("role, status", sorted(GRANTED))
def test_duo_view_flags(people, role, status):
    traits = {"proposed": {"proposed": True}, "active": {}, "ended": {"ended": True}}[status]
    duo = factories.DuoFactory(
        programme=people.programme, mentor=people.mentor, coach=people.coach, **traits
    )
    assert duo.status == status
    user = getattr(people, role) or AnonymousUser()
    view = access.duo_view(user, duo)
    assert view.status == status
    assert {flag for flag in FLAGS if getattr(view, flag)} == GRANTED[(role, status)]
