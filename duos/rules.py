"""The rules a duo runs under: a duo keeps the programme's rules version it
started under (``Duo.rules_version``); a duo without one (made before versions
existed) follows its programme as it is now."""

from __future__ import annotations

from django.db.models import F, IntegerField, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce

from duos.models import Duo
from programmes.models import Programme, RulesVersion
from programmes.services.rules import DUO_RULE_FIELDS, DuoRules, rules_for


def duo_rules(duo) -> DuoRules:
    """Duo length, rhythm and follow-up horizon for ``duo``. Reads
    ``duo.rules_version`` (select it with the duo in lists) and touches the
    programme only for a rule its version does not hold."""
    version = duo.rules_version if duo.rules_version_id else None
    if version is not None and all(version.rules.get(f) is not None for f in DUO_RULE_FIELDS):
        return rules_for(programme=None, version=version)
    return rules_for(programme=duo.programme, version=version)


def with_horizon(duos: QuerySet[Duo]) -> QuerySet[Duo]:
    """Annotate ``horizon_months``: the follow-up horizon of the rules each duo
    ran under (its version's, else its programme's), for lists filtered in the
    database."""
    return duos.annotate(
        horizon_months=Coalesce(
            Cast(KeyTextTransform("follow_up_months", "rules_version__rules"), IntegerField()),
            F("programme__follow_up_months"),
            output_field=IntegerField(),
        )
    )


def horizons_in_use() -> set[int]:
    """Every follow-up horizon a duo can run under: its programme's now, or one
    kept in a rules version (two small tables, never the duos)."""
    kept = (
        RulesVersion.objects.annotate(
            months=Cast(KeyTextTransform("follow_up_months", "rules"), IntegerField())
        )
        .exclude(months__isnull=True)
        .values_list("months", flat=True)
        .distinct()
    )
    now = Programme.objects.values_list("follow_up_months", flat=True).distinct()
    return {*kept, *now}
