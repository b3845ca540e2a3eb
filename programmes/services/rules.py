"""A programme's rules and their versions (DESIGN.md "Apps and models").

The rule fields (``Programme.RULE_FIELDS``) are copied into a ``RulesVersion``
whenever one of them changes; a duo keeps the version it started under, so a
later change never rewrites how a running duo is judged (its health, planned
end and follow-up date)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from programmes.models import Programme, RulesVersion

# The rules a running duo reads from its version rather than from the programme.
DUO_RULE_FIELDS = ("duo_length_weeks", "meetings_per_month", "follow_up_months")


def _json(field: str, value):
    """A rule value as a JSON value: the rhythm as text with two decimals (as
    the database keeps it), lists as they are."""
    if field == "meetings_per_month" and value is not None:
        return str(Decimal(str(value)).quantize(Decimal("0.01")))
    if isinstance(value, list | tuple):
        return list(value)
    return value


def _same(field: str, a, b) -> bool:
    """Two JSON rule values are the same rule ("4" and "4.00" are one rhythm)."""
    if field == "meetings_per_month":
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except (InvalidOperation, TypeError, ValueError):
            return a == b
    return a == b


def rules_of(programme: Programme) -> dict:
    """The programme's rule fields now, as stored in a version."""
    return {f: _json(f, getattr(programme, f)) for f in Programme.RULE_FIELDS}


def changed_fields(before: dict, after: dict) -> list[str]:
    """The rule fields whose values differ, in ``RULE_FIELDS`` order. A field
    a version does not hold (written before the field existed) counts as unchanged."""
    return [
        f
        for f in Programme.RULE_FIELDS
        if f in before and f in after and not _same(f, before[f], after[f])
    ]


def rules_current(programme: Programme, *, actor=None) -> RulesVersion:
    """The programme's latest rules version; version 1 from its values if it
    has none yet (programmes made by seed_demo, ``import_duos --create`` or a
    factory)."""
    latest = programme.rule_versions.order_by("-version").first()
    if latest is not None:
        return latest
    try:
        with transaction.atomic():
            latest, _created = RulesVersion.objects.get_or_create(
                programme=programme,
                version=1,
                defaults={"rules": rules_of(programme), "created_by": _user(actor)},
            )
    except IntegrityError:  # written meanwhile by a concurrent request
        latest = programme.rule_versions.get(version=1)
    return latest


def rules_record(actor, *, programme: Programme) -> RulesVersion | None:
    """A new version when the programme's rules differ from its latest version;
    None when nothing changed (an unchanged save is no new version). Call inside
    the transaction that saved the programme, with its row locked."""
    latest = programme.rule_versions.order_by("-version").first()
    now = rules_of(programme)
    if latest is not None and not changed_fields(latest.rules, now):
        return None
    return RulesVersion.objects.create(
        programme=programme,
        version=(latest.version + 1) if latest else 1,
        rules=now,
        created_by=_user(actor),
    )


def rules_history(programme: Programme, *, limit: int = 10) -> list[tuple[RulesVersion, list]]:
    """The latest versions, newest first, each with the fields that changed
    from the version before it (empty for version 1)."""
    versions = list(programme.rule_versions.select_related("created_by").order_by("-version"))
    rows = []
    for i, version in enumerate(versions[:limit]):
        previous = versions[i + 1] if i + 1 < len(versions) else None
        changed = changed_fields(previous.rules, version.rules) if previous else []
        rows.append((version, [(f, previous.rules[f], version.rules[f]) for f in changed]))
    return rows


@dataclass(frozen=True)
class DuoRules:
    """The rules a duo runs under: its version's, else its programme's now."""

    duo_length_weeks: int
    meetings_per_month: Decimal
    follow_up_months: int

    @property
    def expected_interval_days(self) -> float:
        """DESIGN.md "Duo health": 30 ÷ expected meetings per month."""
        return 30 / float(self.meetings_per_month)


def rules_for(*, programme: Programme, version: RulesVersion | None) -> DuoRules:
    """A duo's rules from its version (``version``) where it holds them, else
    from the programme."""
    stored = version.rules if version is not None else {}

    def value(field):
        got = stored.get(field)
        return getattr(programme, field) if got is None else got

    return DuoRules(
        duo_length_weeks=int(value("duo_length_weeks")),
        meetings_per_month=Decimal(str(value("meetings_per_month"))),
        follow_up_months=int(value("follow_up_months")),
    )


def _user(actor):
    return actor if getattr(actor, "pk", None) else None
