"""manage.py import_duos --programme SLUG [--create NAME] FILE (DESIGN.md "Historical import")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db import transaction

from duos.imports import history
from duos.imports.flow import import_apply
from duos.imports.reader import SpreadsheetError, read_table
from duos.imports.rows import ImportRejected
from programmes.models import Organisation, OrganisationKind, Programme, Region


class Command(BaseCommand):
    help = (
        "Import historical duos from a CSV or XLSX file, one row per duo (mentee_ref, "
        "mentor_ref, started_on, ended_on, end_reason, exit_status, exit_contract, "
        "follow_up_status, follow_up_contract). Re-importing the same file changes "
        "nothing; any error and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8, , or ;) or .xlsx file")
        parser.add_argument("--programme", required=True, metavar="SLUG")
        parser.add_argument(
            "--create", metavar="NAME", help="create the programme (and an operator of that name)"
        )
        parser.add_argument("--region", choices=Region.values, default=Region.BRUSSELS)

    @no_translations
    def handle(self, *args, file, programme, create=None, region=Region.BRUSSELS, **options):
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            with transaction.atomic():  # a programme created for a refused file goes too
                target = self._programme(programme, create, region, content, path.name)
                summary = import_apply(
                    None, history.IMPORTER, programme=target, content=content, filename=path.name
                )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(exc.errors)} error(s): nothing was imported.") from None
        duos, outcomes = summary["duo"], 0
        for point in history.POINTS:
            outcomes += summary[point]["created"] + summary[point]["updated"]
        self.stdout.write(
            f"{target.slug}: {duos['created']} duos created, {duos['updated']} updated, "
            f"{duos['unchanged']} unchanged; {outcomes} outcomes written."
        )

    def _programme(
        self, slug: str, create: str | None, region: str, content: bytes, filename: str
    ) -> Programme:
        programme = Programme.objects.filter(slug=slug).first()
        if programme is not None:
            return programme
        if not create:
            raise CommandError(
                f"No programme with the slug {slug!r}: pass --create NAME to create it."
            )
        base = slug[:70]
        operator, _created = Organisation.objects.get_or_create(
            slug=f"{base}-operator",
            defaults={"name": create, "kind": OrganisationKind.OPERATOR, "region": region},
        )
        try:
            starts_on = history.earliest_start(read_table(content=content, filename=filename))
        except SpreadsheetError as exc:
            raise ImportRejected([exc.message]) from None
        return Programme.objects.create(
            operator=operator,
            name=create,
            slug=slug,
            region=region,
            starts_on=starts_on or "2000-01-01",
        )
