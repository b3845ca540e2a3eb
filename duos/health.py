"""Duo health (DESIGN.md): on track, slipping or silent, from the days since the
last meeting (or since the start) against the programme's rhythm."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Health(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    SLIPPING = "slipping", _("Slipping")
    SILENT = "silent", _("Silent")


def expected_interval(meetings_per_month: Decimal | float) -> float:
    return 30 / float(meetings_per_month)


def health(*, last_contact: dt.date, meetings_per_month: Decimal | float, today: dt.date) -> Health:
    interval = expected_interval(meetings_per_month)
    days = (today - last_contact).days
    if days <= interval + 3:
        return Health.ON_TRACK
    if days <= 2 * interval:
        return Health.SLIPPING
    return Health.SILENT


def rhythm_of(rules: dict | None, programme_rhythm: Decimal | float) -> Decimal:
    """The expected meetings per month a duo runs under: its rules version's
    (``Duo.rules_version.rules``), else its programme's."""
    value = (rules or {}).get("meetings_per_month")
    if value in (None, ""):
        return Decimal(str(programme_rhythm))
    return Decimal(str(value))
