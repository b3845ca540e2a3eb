"""Demo data for the ``seed_demo`` command: three programmes from the public
record (DUO for a JOB, Team4Job, Mentoring naar Werk) with synthetic people,
duos, meetings and outcomes, and one sign-in account per role.

Layout: ``structure`` (organisations, programmes, fundings), ``accounts``,
``people`` and ``timeline`` and ``activity`` (pure planning from one seeded
random generator), ``write`` and ``sync`` (idempotent writes), ``seed`` (the
whole run). It imports ``duos`` because demo data spans every app; nothing in
``programmes`` proper imports it."""

from duos.demo.accounts import ACCOUNTS
from duos.demo.seed import seed

__all__ = ["ACCOUNTS", "seed"]
