"""Writes of the programmes app, by concern: people and access (``team``), a
programme's rules and their versions (``rules``), setting a programme up
(``setup``). Everything is importable from ``programmes.services`` as before."""

from programmes.services.rules import (
    DuoRules,
    changed_fields,
    rules_current,
    rules_for,
    rules_history,
    rules_of,
    rules_record,
)
from programmes.services.setup import (
    ADDABLE_KINDS,
    FUNDER_KINDS,
    PROGRAMME_FIELDS,
    WEIGHTS_TOTAL,
    funding_save,
    organisation_create,
    programme_create,
    programme_problems,
    programme_update,
    weights_save,
)
from programmes.services.team import (
    FILTER_VALUE_LIMIT,
    ROLE_ORGANISATION_KINDS,
    User,
    access_record,
    account_for,
    deactivate_if_unused,
    membership_invite,
    membership_revoke,
    send_invitation,
)

__all__ = [
    "ADDABLE_KINDS",
    "FILTER_VALUE_LIMIT",
    "FUNDER_KINDS",
    "PROGRAMME_FIELDS",
    "ROLE_ORGANISATION_KINDS",
    "DuoRules",
    "User",
    "access_record",
    "account_for",
    "changed_fields",
    "deactivate_if_unused",
    "funding_save",
    "membership_invite",
    "membership_revoke",
    "organisation_create",
    "programme_create",
    "programme_problems",
    "programme_update",
    "rules_current",
    "rules_for",
    "rules_history",
    "rules_of",
    "rules_record",
    "send_invitation",
    "WEIGHTS_TOTAL",
    "weights_save",
]
