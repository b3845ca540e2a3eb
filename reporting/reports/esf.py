"""The ESF+ common indicators of the report's year, as frozen JSON rows
(``reporting.esf``, suppressed: the report is funder-facing)."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from duos.models import Gender
from programmes.models import Programme

from .. import esf
from .data import cell_json


def esf_rows(*, programme: Programme, year: int, language: str) -> dict:
    """The indicators of [1 January, 31 December] of ``year``, each figure a
    suppressed cell, with their labels in ``language``."""
    rows = esf.indicators(programme=programme, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    with translation.override(language):
        return {
            "genders": {g: str(Gender(g).label) for g in esf.GENDERS},
            "kinds": {kind: str(label) for kind, label in esf.KINDS.items()},
            "horizon_differs": esf.horizon_warning(programme),
            "rows": [
                {
                    "code": row.code,
                    "label": str(row.label),
                    "kind": row.kind,
                    "total": cell_json(row.total, "count"),
                    "by_gender": {g: cell_json(c, "count") for g, c in row.by_gender.items()},
                    "missing": cell_json(row.missing, "count"),
                }
                for row in esf.shown_indicators(rows, full=False)
            ],
        }
