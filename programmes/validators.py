"""Limits every free text and name shares (issue: a 2,000,000-character
motivation was stored; a first name with a line break broke every e-mail that
carried it)."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TEXT_LIMIT = 2000  # a note, a comment, a motivation: a few paragraphs
NAME_LIMIT = 100


def no_control_characters(value: str) -> None:
    """Names are one line of printable text: no line breaks, tabs or other
    control and format characters."""
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in value or ""):
        raise ValidationError(
            _("Use letters, spaces and punctuation only (no line breaks)."),
            code="control_characters",
        )
