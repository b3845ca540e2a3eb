"""A programme's rules in words, for its page: labels, never codes.

Works on a rules dict as a ``RulesVersion`` keeps it (field name → JSON
value), so the current rules and the changes between versions read alike."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.models import EducationLevel, Language, Programme


def _number(value) -> str:
    """4.00 → "4", 2.50 → "2,5" in French: no needless decimals."""
    try:
        amount = Decimal(str(value)).normalize()
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    places = max(0, -amount.as_tuple().exponent)
    return formats.number_format(amount, places, use_l10n=True)


def _label_list(choices, codes) -> list[str]:
    """Labels in the choices' own order (Dutch, French, …), whatever the stored order."""
    order = {code: i for i, code in enumerate(choices.values)}
    labels = dict(choices.choices)
    ordered = sorted(codes or [], key=lambda code: order.get(code, len(order)))
    return [str(labels.get(code, code)) for code in ordered]


def _labels(choices, codes) -> str:
    return ", ".join(_label_list(choices, codes))


def _lower_first(text: str) -> str:
    """ "At most lower secondary (ISCED 0–2)" inside a sentence: only the first
    letter goes lower-case (an abbreviation keeps its capitals)."""
    return text[:1].lower() + text[1:]


def _education(codes) -> str:
    return _labels(EducationLevel, codes)


def _ages(low, high) -> str:
    if low is not None and high is not None:
        return _("%(low)s to %(high)s years old") % {"low": low, "high": high}
    if low is not None:
        return _("at least %(low)s years old") % {"low": low}
    if high is not None:
        return _("at most %(high)s years old") % {"high": high}
    return _("any age")


def _mentees(rules: dict) -> str:
    ages = _ages(rules.get("mentee_min_age"), rules.get("mentee_max_age"))
    levels = rules.get("mentee_education_levels") or []
    values = {
        "ages": ages,
        "levels": ", ".join(_lower_first(x) for x in _label_list(EducationLevel, levels)),
    }
    if rules.get("mentee_migration_background_required"):
        if levels:
            return _("Mentees: %(ages)s, with a migration background; education: %(levels)s") % (
                values
            )
        return _("Mentees: %(ages)s, with a migration background") % values
    if levels:
        return _("Mentees: %(ages)s; education: %(levels)s") % values
    return _("Mentees: %(ages)s") % values


def _mentors(rules: dict) -> str:
    conditions = []
    if rules.get("mentor_min_age") is not None:
        conditions.append(_("at least %(n)s years old") % {"n": rules["mentor_min_age"]})
    years = rules.get("mentor_min_experience_years")
    if years:
        conditions.append(
            ngettext(
                "%(n)s year of professional experience",
                "%(n)s years of professional experience",
                years,
            )
            % {"n": years}
        )
    if not conditions:
        if rules.get("training_required"):
            return _("Mentors: no age or experience condition; training required")
        return _("Mentors: no age or experience condition, no training required")
    values = {"conditions": ", ".join(conditions)}
    if rules.get("training_required"):
        return _("Mentors: %(conditions)s; training required") % values
    return _("Mentors: %(conditions)s; no training required") % values


def rules_in_words(rules: dict) -> list[str]:
    """One sentence per rule, in the active language."""
    weeks = rules.get("duo_length_weeks")
    lines = [
        _("Duos run %(weeks)s weeks and meet about %(n)s times a month")
        % {"weeks": weeks, "n": _number(rules.get("meetings_per_month"))},
        _mentees(rules),
        _mentors(rules),
    ]
    if rules.get("coach_assigned"):
        lines.append(_("A mentor-coach follows each duo"))
    months = rules.get("follow_up_months")
    if months:
        lines.append(
            ngettext(
                "Follow-up %(n)s month after the duo ends",
                "Follow-up %(n)s months after the duo ends",
                months,
            )
            % {"n": months}
        )
    if rules.get("languages"):
        lines.append(_("Languages: %(list)s") % {"list": _labels(Language, rules["languages"])})
    if rules.get("sites"):
        lines.append(_("Sites: %(list)s") % {"list": ", ".join(rules["sites"])})
    target = rules.get("yearly_duo_target")
    if target:
        lines.append(
            ngettext("Target: %(n)s duo a year", "Target: %(n)s duos a year", target)
            % {"n": target}
        )
    years = rules.get("retention_years")
    if years:
        lines.append(
            ngettext("Data kept %(n)s year", "Data kept %(n)s years", years) % {"n": years}
        )
    return lines


def value_in_words(field: str, value) -> str:
    """One rule's value as people read it (for the history of changes)."""
    if value is None or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field == "languages":
        return _labels(Language, value)
    if field == "mentee_education_levels":
        return _education(value)
    if field == "sites":
        return ", ".join(value)
    if field == "meetings_per_month":
        return _number(value)
    return str(value)


def change_in_words(field: str, before, after) -> str:
    """ "Duo length (weeks): 26 → 20"."""
    try:
        label = capfirst(Programme._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:  # a field that no longer exists: its name
        label = field
    return _("%(rule)s: %(before)s → %(after)s") % {
        "rule": label,
        "before": value_in_words(field, before),
        "after": value_in_words(field, after),
    }
