"""The database cache's table, so that `migrate` alone gives a working app:
sign-in's rate limits and the application limits live in the default cache
(DESIGN: the database cache keeps sign-in working while Redis is down).
`createcachetable` creates only what is missing, so this is safe to re-run
and does nothing for a cache that is not a database cache."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0002_access_records")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
