"""Amounts as people read them: "7.762.500 €" in Dutch, "7 762 500 €" in
French, "€7,762,500" in English — the active language's separators."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats, translation

register = template.Library()


def euro(value, decimal_pos: int | None = None) -> str:
    """``value`` in euros with the active language's thousands separator; whole
    euros unless ``decimal_pos`` says otherwise. None or junk gives ""."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    places = 0 if decimal_pos is None else int(decimal_pos)
    amount = amount.quantize(Decimal(1).scaleb(-places))
    number = formats.number_format(amount, places, use_l10n=True, force_grouping=True)
    if translation.get_language() == "en":
        return f"€{number}" if amount >= 0 else f"-€{number[1:]}"
    return f"{number}\N{NO-BREAK SPACE}€"


register.filter("euro", euro)
