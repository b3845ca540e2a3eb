"""Accent-insensitive search, the same on PostgreSQL and SQLite: "Helene"
finds "Hélène", "celik" finds "Çelik".

PostgreSQL has the ``unaccent`` extension (created by migration
programmes 0008); SQLite gets a Python function of the same name on each new
connection (``programmes.apps``). ``fold`` does the same to what was typed."""

from __future__ import annotations

import unicodedata

from django.db.models import CharField, Func
from django.db.models.functions import Lower


def fold(text: str) -> str:
    """Lower case, without accents: what ``folded()`` makes of a column."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


class Unaccent(Func):
    function = "UNACCENT"
    output_field = CharField()


def folded(field: str) -> Func:
    return Unaccent(Lower(field))


def register_sqlite_unaccent(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: UNACCENT on SQLite connections."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("UNACCENT", 1, fold, deterministic=True)
