"""PostgreSQL's unaccent extension, for accent-insensitive name search
(programmes.search). SQLite gets a Python function instead."""

from django.db import migrations


def create_extension(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [("programmes", "0007_rules_version_one")]

    operations = [migrations.RunPython(create_extension, migrations.RunPython.noop)]
