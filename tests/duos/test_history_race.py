"""Two historical imports record overlapping duos of the same mentor at the same
time: the mentor's row lock makes the second wait, count again and be refused."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from duos.models import Duo
from duos.services import CapacityError
from duos.services.history import duo_record_past
from tests.factories import MenteeFactory, MentorFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the row-lock race needs PostgreSQL (two real connections); SQLite serialises writers",
)


def _in_thread(target, outcomes, key):
    def run():
        try:
            target()
            outcomes[key] = "recorded"
        except CapacityError as exc:
            outcomes[key] = exc
        finally:
            connection.close()  # each thread had its own connection

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_the_second_overlapping_duo_waits_and_is_refused(transactional_db):
    mentor = MentorFactory(capacity=1)
    mentees = [MenteeFactory(programme=mentor.programme) for _ in range(2)]
    first_written, release_first = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def record(mentee, started_on):
        return duo_record_past(None, mentee=mentee, mentor=mentor, started_on=started_on)

    def record_first_and_hold():
        with transaction.atomic():
            record(mentees[0], dt.date(2024, 1, 8))
            first_written.set()
            assert release_first.wait(timeout=30)

    t1 = _in_thread(record_first_and_hold, outcomes, "first")
    assert first_written.wait(timeout=30)
    t2 = _in_thread(lambda: record(mentees[1], dt.date(2024, 2, 5)), outcomes, "second")
    t2.join(timeout=1)
    assert t2.is_alive(), "the second must wait for the mentor's lock"
    release_first.set()
    t1.join(timeout=30)
    t2.join(timeout=30)

    assert outcomes["first"] == "recorded"
    assert isinstance(outcomes["second"], CapacityError)
    assert Duo.objects.filter(mentor=mentor).count() == 1
