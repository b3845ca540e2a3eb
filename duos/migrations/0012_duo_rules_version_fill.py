"""Existing duos ran under their programme's rules as they are: version 1."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    Duo = apps.get_model("duos", "Duo")
    RulesVersion = apps.get_model("programmes", "RulesVersion")
    first = RulesVersion.objects.filter(programme_id=OuterRef("programme_id"), version=1)
    Duo.objects.filter(rules_version__isnull=True).update(
        rules_version=Subquery(first.values("pk")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("duos", "0011_rules_qualification_rejections_import_progress"),
        ("programmes", "0007_rules_version_one"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
