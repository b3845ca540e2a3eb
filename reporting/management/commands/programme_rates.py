"""manage.py programme_rates [--programme SLUG] --json

Computes afresh and prints on stdout only a JSON list in the public rates
format (DESIGN.md "Rates"), ordered by programme, cohort (all cohorts first as
null, then years ascending), point and denominator. No suppression: it is an
operator's tool."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from programmes.models import Programme
from reporting.rates import programme_rows, public_rows


class Command(BaseCommand):
    help = "Print every outcome figure of the programmes as JSON (computed afresh)."

    def add_arguments(self, parser):
        parser.add_argument("--programme", metavar="SLUG", help="only this programme")
        parser.add_argument("--json", action="store_true", help="print JSON (the only format)")

    def handle(self, *args, **options):
        if not options["json"]:
            raise CommandError("Use --json: it is the only output format.")
        programmes = Programme.objects.order_by("slug")
        if options["programme"]:
            programmes = programmes.filter(slug=options["programme"])
            if not programmes.exists():
                raise CommandError(f"No programme with the slug {options['programme']!r}.")
        computed_at = timezone.now()
        rows = []
        for programme in programmes:
            rows += public_rows(
                programme, programme_rows(programme, today=timezone.localdate()), computed_at
            )
        self.stdout.write(json.dumps(rows, ensure_ascii=False))
