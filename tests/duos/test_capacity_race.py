"""Two coordinators activate the last free slot of a mentor at the same time."""

import threading

import pytest
from django.db import connection, transaction

from duos.models import Duo, PipelineStatus
from duos.services import CapacityError, duo_activate
from tests.factories import DuoFactory, MenteeFactory, MentorFactory, UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the row-lock race needs PostgreSQL (two real connections); SQLite serialises writers",
)


def _in_thread(target, outcomes, key):
    def run():
        try:
            target()
            outcomes[key] = "activated"
        except CapacityError as exc:
            outcomes[key] = exc
        finally:
            connection.close()  # each thread had its own connection

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.fixture
def last_slot(transactional_db):
    """A mentor with capacity 2, one active duo, and two proposals for the last slot."""
    mentor = MentorFactory(capacity=2)
    DuoFactory(mentor=mentor, programme=mentor.programme)
    proposals = [
        DuoFactory(
            proposed=True,
            mentor=mentor,
            programme=mentor.programme,
            mentee=MenteeFactory(programme=mentor.programme),
        )
        for _ in range(2)
    ]
    return mentor, proposals


def test_second_activation_waits_for_the_first_and_is_refused(last_slot):
    """Deterministic interleaving: the first activation has counted and written but not
    committed when the second starts. Without the mentor's row lock both would succeed."""
    mentor, (first, second) = last_slot
    first_written, release_first = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def activate_first_and_hold():
        with transaction.atomic():
            duo_activate(UserFactory(), duo=first)
            first_written.set()
            assert release_first.wait(timeout=30)

    t1 = _in_thread(activate_first_and_hold, outcomes, "first")
    assert first_written.wait(timeout=30)
    t2 = _in_thread(lambda: duo_activate(UserFactory(), duo=second), outcomes, "second")
    t2.join(timeout=1)
    assert t2.is_alive(), "the second activation must wait for the mentor's lock"
    release_first.set()
    t1.join(timeout=30)
    t2.join(timeout=30)

    assert outcomes["first"] == "activated"
    assert isinstance(outcomes["second"], CapacityError)
    assert "full capacity" in outcomes["second"].messages[0]
    assert Duo.objects.filter(mentor=mentor, status=Duo.Status.ACTIVE).count() == 2
    second.refresh_from_db()
    assert second.status == Duo.Status.PROPOSED
    assert second.mentee.status == PipelineStatus.READY


@pytest.mark.parametrize("round_", range(3))
def test_simultaneous_activations_exactly_one_succeeds(last_slot, round_):
    mentor, proposals = last_slot
    barrier = threading.Barrier(2)
    outcomes: dict[int, object] = {}

    def activate(duo, actor):
        barrier.wait(timeout=10)
        duo_activate(actor, duo=duo)

    actors = [UserFactory() for _ in proposals]
    threads = [
        _in_thread(lambda d=duo, a=actor: activate(d, a), outcomes, duo.pk)
        for duo, actor in zip(proposals, actors, strict=True)
    ]
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(type(o).__name__ for o in outcomes.values()) == ["CapacityError", "str"]
    assert Duo.objects.filter(mentor=mentor, status=Duo.Status.ACTIVE).count() == 2
