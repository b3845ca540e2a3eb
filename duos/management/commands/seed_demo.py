"""``manage.py seed_demo``: create or refresh the demo data (see duos.demo)."""

from __future__ import annotations

import os
import time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from duos.demo import ACCOUNTS, seed
from mentoring.celery import send_task_on_commit
from programmes.models import Organisation

DEFAULT_PASSWORD = "duo-demo"


class Command(BaseCommand):
    help = (
        "Create or refresh the demo data: the programmes DUO for a JOB, Team4Job and "
        "Mentoring naar Werk with their organisations, fundings and synthetic participants, "
        "duos, meetings and outcomes (dates relative to today), and six sign-in accounts "
        "(coordinator, coach, mentor, funder, evaluator, admin @example.org) whose password "
        "is DEMO_PASSWORD (default: duo-demo). Running it again the same day changes "
        "nothing; on a later day the demo duos are moved to that day's plan. It refuses to "
        "run unless DEBUG is on or --force is given: never on real data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (a demo server). The accounts get a known "
            "password, the admin one included.",
        )

    def handle(self, *args, force: bool = False, **options):
        if not (settings.DEBUG or force):
            raise CommandError(
                "seed_demo creates accounts with a known password, a superuser among them: "
                "run it with DEBUG=1, or pass --force on a demo server."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        started = time.monotonic()
        tally = seed(today=timezone.localdate(), password=password)
        # The figures (reporting, asked by task name: no upward import): at once
        # without a broker, by a worker with one.
        send_task_on_commit("reporting.recompute_all", kwargs={})
        with translation.override("en"):
            self.stdout.write(f"Demo data ready in {time.monotonic() - started:.1f} s.\n")
            self._counts(tally.rows())
            self._accounts(password)

    def _counts(self, rows) -> None:
        if not rows:
            self.stdout.write("Nothing to change: the demo data was up to date.")
            return
        self.stdout.write(f"{'':18} {'created':>8} {'updated':>8} {'deleted':>8} {'in total':>8}")
        for label, created, updated, deleted in rows:
            model = apps.get_model(label)
            name = str(model._meta.verbose_name_plural).capitalize()
            total = model._default_manager.count()
            self.stdout.write(f"{name:18} {created:8} {updated:8} {deleted:8} {total:8}")

    def _accounts(self, password: str) -> None:
        self.stdout.write(f"\nAccounts (sign in with the e-mail; password: {password}):")
        names = dict(
            Organisation.objects.filter(
                slug__in=[a.organisation for a in ACCOUNTS if a.organisation]
            ).values_list("slug", "name")
        )
        for account in ACCOUNTS:
            name = f"{account.first_name} {account.last_name}"
            where = names.get(account.organisation, "")
            role = {"mentor": "mentor (DUO for a JOB)", "admin": "admin (superuser)"}.get(
                account.key, f"{account.key}, {where}"
            )
            self.stdout.write(f"  {account.email:25} {name:21} {role}")
