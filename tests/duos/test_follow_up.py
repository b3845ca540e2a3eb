"""The follow-up request: who is asked and when, the e-mail in the mentee's
language with a single-use link, and the one-question page behind it
(DESIGN.md "Outcome"; duos/follow_up.py)."""

import datetime as dt
import hashlib
import importlib.util
import re
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from duos.models import Duo, FollowUpRequest, Outcome
from duos.services import follow_up, follow_up_date
from duos.tasks import send_follow_up_requests as follow_up_task
from tests.factories import DuoFactory, MenteeFactory, OutcomeFactory, ProgrammeFactory

BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=BRUSSELS)
TODAY = NOW.date()
LINK = re.compile(re.escape(settings.SITE_URL) + r"/follow-up/([A-Za-z0-9_-]+)/")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def programme(db):
    return ProgrammeFactory(name="DUO for a JOB", follow_up_months=6)


def ended_duo(programme, *, ended_on, started_on=None, mentee=None, **mentee_fields):
    mentee = mentee or MenteeFactory(programme=programme, status="done", **mentee_fields)
    return DuoFactory(
        programme=programme,
        mentee=mentee,
        ended=True,
        started_on=started_on or ended_on - dt.timedelta(weeks=26),
        ended_on=ended_on,
    )


def run(django_capture_on_commit_callbacks, today=None) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return follow_up.send_follow_up_requests(today=today)


def open_request(duo, token="a-secret-token", **fields) -> FollowUpRequest:
    fields.setdefault("expires_at", timezone.now() + dt.timedelta(days=30))
    return FollowUpRequest.objects.create(
        duo=duo,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        email=duo.mentee.email,
        **fields,
    )


def answer_url(token="a-secret-token") -> str:
    return reverse("duos:follow_up_answer", args=[token])


# --- who is asked, and when ------------------------------------------------------------


def test_sent_when_due_to_the_mentee_with_a_link(
    clock, programme, mailoutbox, django_capture_on_commit_callbacks
):
    due = ended_duo(programme, ended_on=dt.date(2026, 5, 1), first_name="Amina")  # due 1 Nov
    ended_duo(programme, ended_on=dt.date(2026, 6, 1))  # due 1 December: not yet
    DuoFactory(programme=programme)  # active

    assert run(django_capture_on_commit_callbacks) == 1

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [due.mentee.email]
    assert "DUO for a JOB" in message.subject
    assert "Amina" in message.body
    token = LINK.search(message.body).group(1)
    request = FollowUpRequest.objects.get()
    assert request.duo == due and request.email == due.mentee.email
    assert request.answered_at is None
    assert request.expires_at == NOW + dt.timedelta(days=follow_up.VALID_DAYS)
    # Only the hash is stored, never the token itself.
    assert request.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in request.token_hash and len(token) >= 40


def test_due_on_the_follow_up_date_itself_and_at_month_ends(
    db, clock, mailoutbox, django_capture_on_commit_callbacks
):
    six = ProgrammeFactory(follow_up_months=6)
    today = ended_duo(six, ended_on=dt.date(2026, 5, 20))  # follow-up date = today
    tomorrow = ended_duo(six, ended_on=dt.date(2026, 5, 21))
    nine = ProgrammeFactory(follow_up_months=9)
    month_end = ended_duo(nine, ended_on=dt.date(2026, 2, 28), started_on=dt.date(2025, 9, 1))
    assert follow_up_date(month_end) == dt.date(2026, 11, 28)  # not yet
    clamped = ended_duo(six, ended_on=dt.date(2026, 5, 31))
    assert follow_up_date(clamped) == dt.date(2026, 11, 30)  # 31 November does not exist

    assert run(django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mailoutbox] == [[today.mentee.email]]
    assert not FollowUpRequest.objects.filter(duo__in=[tomorrow, month_end, clamped]).exists()

    assert run(django_capture_on_commit_callbacks, today=dt.date(2026, 11, 28)) == 2
    assert run(django_capture_on_commit_callbacks, today=dt.date(2026, 11, 29)) == 0
    assert run(django_capture_on_commit_callbacks, today=dt.date(2026, 11, 30)) == 1
    assert FollowUpRequest.objects.filter(duo=clamped).exists()


def test_only_the_last_duo_of_the_mentee_in_the_programme(
    clock, programme, mailoutbox, django_capture_on_commit_callbacks
):
    # Re-matched: the first duo is due, but a later one is still active.
    rematched = ended_duo(programme, ended_on=dt.date(2026, 5, 1))
    DuoFactory(programme=programme, mentee=rematched.mentee, started_on=dt.date(2026, 6, 1))
    # Two ended duos: only the later one counts, and it is due.
    first = ended_duo(programme, ended_on=dt.date(2025, 6, 1))
    last = ended_duo(
        programme,
        mentee=first.mentee,
        started_on=dt.date(2025, 9, 1),
        ended_on=dt.date(2026, 5, 1),
    )

    assert run(django_capture_on_commit_callbacks) == 1
    assert FollowUpRequest.objects.get().duo == last
    assert [m.to for m in mailoutbox] == [[last.mentee.email]]


def test_not_sent_without_e_mail_or_with_a_follow_up_outcome(
    clock, programme, mailoutbox, django_capture_on_commit_callbacks
):
    ended_duo(programme, ended_on=dt.date(2026, 5, 1), email="")
    known = ended_duo(programme, ended_on=dt.date(2026, 5, 1))
    OutcomeFactory(duo=known, point=Outcome.Point.FOLLOW_UP, status="training", contract_type="")
    OutcomeFactory(duo=ended_duo(programme, ended_on=dt.date(2026, 5, 1)))  # exit only: asked

    assert run(django_capture_on_commit_callbacks) == 1
    assert len(mailoutbox) == 1 and mailoutbox[0].to != [known.mentee.email]


def test_idempotent_then_asked_again_after_expiry_at_most_three_times(
    clock, programme, mailoutbox, django_capture_on_commit_callbacks
):
    ended_duo(programme, ended_on=dt.date(2026, 5, 20))  # due today, 20 November
    assert run(django_capture_on_commit_callbacks) == 1
    assert run(django_capture_on_commit_callbacks) == 0  # the same day: nothing new
    clock.shift(dt.timedelta(days=follow_up.VALID_DAYS - 1))
    assert run(django_capture_on_commit_callbacks) == 0  # still open
    assert len(mailoutbox) == 1

    clock.shift(dt.timedelta(days=2))  # the first one has expired
    assert run(django_capture_on_commit_callbacks) == 1
    clock.shift(dt.timedelta(days=follow_up.VALID_DAYS + 1))  # so has the second
    assert run(django_capture_on_commit_callbacks) == 1
    clock.shift(dt.timedelta(days=follow_up.VALID_DAYS + 1))
    assert run(django_capture_on_commit_callbacks) == 0  # three were sent: no more
    assert len(mailoutbox) == FollowUpRequest.objects.count() == follow_up.MAX_REQUESTS
    tokens = {LINK.search(m.body).group(1) for m in mailoutbox}
    assert len(tokens) == follow_up.MAX_REQUESTS  # a fresh link each time


def test_only_within_sixty_days_after_the_follow_up_date(
    clock, programme, mailoutbox, django_capture_on_commit_callbacks
):
    """In the demo one run once e-mailed duos that ended in 2018: older ones are
    the coordinators' to-do, never an e-mail years late."""
    # Follow-up dates: 2026-09-21 (60 days ago), 2026-09-20 (61), 2019-06-30.
    last_day = ended_duo(programme, ended_on=dt.date(2026, 3, 21))
    ended_duo(programme, ended_on=dt.date(2026, 3, 20))
    ended_duo(programme, ended_on=dt.date(2018, 12, 30))
    assert run(django_capture_on_commit_callbacks) == 1
    assert FollowUpRequest.objects.get().duo == last_day
    assert len(mailoutbox) == 1


def test_e_mail_in_the_mentee_s_language(
    clock, programme, mailoutbox, django_capture_on_commit_callbacks
):
    """Each e-mail is rendered in the mentee's contact language: the dates in the
    language's format (Belgian Dutch and French both write 10/12/2026) and the
    subjects as the catalogues translate them."""
    dutch = ended_duo(programme, ended_on=dt.date(2026, 5, 1), contact_language="nl")
    french = ended_duo(programme, ended_on=dt.date(2026, 5, 2), contact_language="fr")

    assert run(django_capture_on_commit_callbacks) == 2

    by_address = {m.to[0]: m for m in mailoutbox}
    dutch_mail, french_mail = by_address[dutch.mentee.email], by_address[french.mentee.email]
    expires = TODAY + dt.timedelta(days=follow_up.VALID_DAYS)
    assert expires.strftime("%d/%m/%Y") in dutch_mail.body  # nl (Belgium): d/m/Y
    assert expires.strftime("%d/%m/%Y") in french_mail.body  # fr: d/m/Y
    for mail in (dutch_mail, french_mail):
        assert LINK.search(mail.body)
    subject = "%(programme)s: how are you doing today?"
    with translation.override("nl"):
        dutch_subject = translation.gettext(subject)
    with translation.override("fr"):
        french_subject = translation.gettext(subject)
    assert dutch_subject != french_subject  # the catalogues translate it
    assert dutch_mail.subject != french_mail.subject
    assert "hoe gaat het" in dutch_mail.subject and "comment allez-vous" in french_mail.subject


def test_the_celery_task_runs_the_service(
    clock, programme, mailoutbox, django_capture_on_commit_callbacks
):
    ended_duo(programme, ended_on=dt.date(2026, 5, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert follow_up_task.apply().get() == 1
    assert len(mailoutbox) == 1


def test_an_e_mail_that_cannot_be_sent_is_tried_again_next_run(
    clock, programme, settings, mailoutbox, django_capture_on_commit_callbacks
):
    ended_duo(programme, ended_on=dt.date(2026, 5, 1))
    settings.EMAIL_BACKEND = "tests.duos.test_follow_up.BrokenBackend"
    assert run(django_capture_on_commit_callbacks) == 1
    assert not FollowUpRequest.objects.exists()  # nobody holds its link: forgotten
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run(django_capture_on_commit_callbacks) == 1
    assert len(mailoutbox) == 1 and FollowUpRequest.objects.count() == 1


class BrokenBackend:
    """An SMTP server that is down (the outside world; not a mock of our code)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


# --- the link: one question, answered once ------------------------------------------------


@pytest.fixture
def due(clock, programme):
    # English, so the page's texts below read as in the source.
    return ended_duo(
        programme,
        ended_on=dt.date(2026, 5, 1),
        first_name="Amina",
        last_name="Benali",
        contact_language="en",
    )


def test_the_whole_round_trip(due, client, mailoutbox, django_capture_on_commit_callbacks):
    run(django_capture_on_commit_callbacks)
    link = LINK.search(mailoutbox[0].body).group(0)
    path = link.removeprefix(settings.SITE_URL)

    page = client.get(path)
    assert page.status_code == 200
    done = client.post(path, {"status": "employed"})
    assert done.status_code == 200 and "Thank you, Amina" in done.content.decode()
    outcome = Outcome.objects.get(duo=due)
    assert outcome.point == Outcome.Point.FOLLOW_UP and outcome.source == Outcome.Source.MENTEE
    # Nothing more to ask: the next run sends nothing.
    assert run(django_capture_on_commit_callbacks) == 0


def test_the_page_asks_one_accessible_question(due, client):
    open_request(due)
    response = client.get(answer_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "<fieldset" in body and "<legend>What is your situation today?</legend>" in body
    for status in follow_up.ANSWERS:
        assert f'value="{status}"' in body
    assert 'value="unknown"' not in body
    assert body.count('type="radio"') == 7 and body.count("<label for=") >= 7
    assert "I am still looking for work" in body and "Other: I am not looking" in body
    assert 'name="viewport"' in body
    # The first name only: no other personal data of the mentee.
    assert "Amina" in body
    for private in (
        due.mentee.last_name,
        due.mentee.email,
        due.mentee.phone,
        due.mentor.first_name,
    ):
        assert private not in body
    assert response["Cache-Control"].startswith("max-age=0")
    # Same-origin: no other site sees the token in a Referer, and browsers still
    # post the answer with the page's Origin (not "null": the CSRF check).
    assert response["Referrer-Policy"] == "same-origin"


def test_the_page_speaks_the_mentee_s_language_unless_they_chose_another(due, client):
    due.mentee.contact_language = "fr"
    due.mentee.save()
    open_request(due)
    assert client.get(answer_url())["Content-Language"] == "fr"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    assert client.get(answer_url())["Content-Language"] == "nl"


def test_an_answer_becomes_the_follow_up_outcome_once(
    due, client, django_capture_on_commit_callbacks
):
    request = open_request(due)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(answer_url(), {"status": "training"})
    assert response.status_code == 200
    assert "Your answer has been saved" in response.content.decode()

    outcome = Outcome.objects.get(duo=due)
    assert outcome.point == Outcome.Point.FOLLOW_UP
    assert outcome.status == Outcome.Status.TRAINING
    assert outcome.source == Outcome.Source.MENTEE
    assert outcome.date == follow_up_date(due) == dt.date(2026, 11, 1)
    assert outcome.recorded_by is None and outcome.contract_type == ""
    request.refresh_from_db()
    assert request.answered_at == NOW

    # The figures are recomputed after the commit (reporting asked by task name).
    coalesced = {getattr(callback, "duo_coalesce", None) for callback in callbacks}
    assert f"figures:{due.programme_id}" in coalesced
    if importlib.util.find_spec("reporting.tasks") is not None:
        from reporting.models import RateSnapshot

        assert RateSnapshot.objects.filter(programme=due.programme).exists()

    again = client.post(answer_url(), {"status": "employed"})
    assert again.status_code == 410
    assert "already answered" in again.content.decode()
    assert client.get(answer_url()).status_code == 410
    outcome.refresh_from_db()
    assert outcome.status == Outcome.Status.TRAINING


def test_an_expired_link_is_gone(due, client, clock):
    open_request(due)
    clock.shift(dt.timedelta(days=30))
    for response in (
        client.get(answer_url()),
        client.post(answer_url(), {"status": "employed"}),
    ):
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()
    assert not Outcome.objects.exists()


def test_an_unknown_token_is_404(due, client):
    open_request(due)
    assert client.get(answer_url("not-the-token")).status_code == 404
    assert client.post(answer_url("not-the-token"), {"status": "employed"}).status_code == 404
    assert not Outcome.objects.exists()


@pytest.mark.parametrize("data", [{}, {"status": "flying"}, {"status": "unknown"}])
def test_no_or_a_bad_choice_shows_the_question_again(due, client, data):
    request = open_request(due)
    response = client.post(answer_url(), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'role="alert"' in body and "<legend>What is your situation today?</legend>" in body
    assert not Outcome.objects.exists()
    request.refresh_from_db()
    assert request.answered_at is None


def test_an_answer_never_replaces_an_outcome_recorded_meanwhile(due, client):
    """A coordinator recorded the follow-up after the e-mail went: the mentee's
    answer is kept beside it for the coordinators to decide (DESIGN.md "Outcome")."""
    request = open_request(due)
    OutcomeFactory(
        duo=due,
        point=Outcome.Point.FOLLOW_UP,
        status="still_searching",
        contract_type="",
        source="coordinator",
        note="Phoned her on 12 November",
    )
    assert client.post(answer_url(), {"status": "employed"}).status_code == 200
    outcome = Outcome.objects.get(duo=due, point=Outcome.Point.FOLLOW_UP)
    assert (outcome.status, outcome.source, outcome.note) == (
        "still_searching",
        "coordinator",
        "Phoned her on 12 November",
    )
    request.refresh_from_db()
    assert request.answer == "employed" and request.needs_decision
    assert request.answered_at is not None
    # The link is used up all the same.
    assert client.post(answer_url(), {"status": "training"}).status_code == 410


def test_an_answer_that_agrees_with_the_recorded_outcome_needs_no_decision(due, client):
    request = open_request(due)
    OutcomeFactory(duo=due, point=Outcome.Point.FOLLOW_UP, status="employed", source="employer")
    assert client.post(answer_url(), {"status": "employed"}).status_code == 200
    request.refresh_from_db()
    assert request.answer == "employed" and not request.needs_decision
    assert Outcome.objects.get(duo=due, point=Outcome.Point.FOLLOW_UP).source == "employer"


# --- a double submit at the same moment (row lock) ------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the row-lock race needs PostgreSQL (two real connections); SQLite serialises writers",
)
def test_a_simultaneous_double_submit_records_once(transactional_db):
    duo = DuoFactory(ended=True)
    open_request(duo)
    first_written, release_first = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def in_thread(key, target):
        def body():
            try:
                results[key] = target()
            except follow_up.FollowUpClosed as exc:
                results[key] = exc
            finally:
                connection.close()

        thread = threading.Thread(target=body)
        thread.start()
        return thread

    def answer_and_hold():
        with transaction.atomic():
            outcome = follow_up.follow_up_answer(token="a-secret-token", status="employed")
            first_written.set()
            assert release_first.wait(timeout=30)
            return outcome

    first = in_thread("first", answer_and_hold)
    assert first_written.wait(timeout=30)
    second = in_thread(
        "second", lambda: follow_up.follow_up_answer(token="a-secret-token", status="training")
    )
    second.join(timeout=1)
    assert second.is_alive(), "the second answer must wait for the request's lock"
    release_first.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert isinstance(results["first"], Outcome)
    assert isinstance(results["second"], follow_up.FollowUpClosed)
    assert results["second"].reason == follow_up.ANSWERED
    assert Outcome.objects.get(duo=duo).status == "employed"
    assert Duo.objects.get(pk=duo.pk).status == Duo.Status.ENDED
