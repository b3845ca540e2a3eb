"""manage.py import_duos --programme SLUG [--create NAME] FILE (DESIGN.md "Historical import")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db import transaction

from duos.imports.history import ImportRejected, apply_file, plan_file
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
            plans = plan_file(content=content, filename=path.name)
            with transaction.atomic():
                target = self._programme(programme, create, region, plans)
                summary = apply_file(None, programme=target, content=content, filename=path.name)
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(exc.errors)} error(s): nothing was imported.") from None
        self.stdout.write(
            f"{target.slug}: {summary.created} duos created, {summary.updated} updated, "
            f"{summary.unchanged} unchanged; {summary.outcomes} outcomes written."
        )

    def _programme(self, slug: str, create: str | None, region: str, plans) -> Programme:
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
        starts_on = min((plan.started_on for plan in plans), default=None)
        return Programme.objects.create(
            operator=operator,
            name=create,
            slug=slug,
            region=region,
            starts_on=starts_on or "2000-01-01",
        )
