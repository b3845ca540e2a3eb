"""Every existing programme gets its current rules as version 1."""

from django.db import migrations

RULE_FIELDS = (
    "duo_length_weeks",
    "meetings_per_month",
    "mentee_min_age",
    "mentee_max_age",
    "mentee_migration_background_required",
    "mentee_education_levels",
    "mentor_min_age",
    "mentor_min_experience_years",
    "training_required",
    "coach_assigned",
    "follow_up_months",
    "yearly_duo_target",
    "sites",
    "languages",
    "retention_years",
)


def _json(value):
    return str(value) if value.__class__.__name__ == "Decimal" else value


def forwards(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    RulesVersion = apps.get_model("programmes", "RulesVersion")
    for programme in Programme.objects.all():
        if not RulesVersion.objects.filter(programme=programme).exists():
            rules = {f: _json(getattr(programme, f)) for f in RULE_FIELDS}
            RulesVersion.objects.create(programme=programme, version=1, rules=rules)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0006_rules_versions_and_profiles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
