"""The rules a duo runs under: a duo keeps the programme's rules version it
started under (``Duo.rules_version``); a duo without one (made before versions
existed) follows its programme as it is now."""

from __future__ import annotations

from programmes.services.rules import DUO_RULE_FIELDS, DuoRules, rules_for


def duo_rules(duo) -> DuoRules:
    """Duo length, rhythm and follow-up horizon for ``duo``. Reads
    ``duo.rules_version`` (select it with the duo in lists) and touches the
    programme only for a rule its version does not hold."""
    version = duo.rules_version if duo.rules_version_id else None
    if version is not None and all(version.rules.get(f) is not None for f in DUO_RULE_FIELDS):
        return rules_for(programme=None, version=version)
    return rules_for(programme=duo.programme, version=version)
