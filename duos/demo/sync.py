"""Idempotent writes keyed on natural keys.

A row is saved only when one of its planned values differs from what is
stored, so a second run with the same plan writes nothing at all: not even
``updated_at`` moves."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable

from django.db import models


class Tally:
    """What a run did, per model: created, updated, deleted."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()

    def add(self, model: type[models.Model], action: str, n: int = 1) -> None:
        if n:
            self.counts[(model._meta.label, action)] += n

    def delete(self, queryset: models.QuerySet) -> None:
        """Delete, counting the rows removed by cascade too."""
        _total, per_model = queryset.delete()
        for label, n in per_model.items():
            if n:
                self.counts[(label, "deleted")] += n

    def rows(self) -> list[tuple[str, int, int, int]]:
        names = list(dict.fromkeys(name for name, _action in self.counts))  # first seen first
        return [
            (name, *(self.counts[(name, action)] for action in ("created", "updated", "deleted")))
            for name in names
        ]


def _stored(obj: models.Model, name: str):
    field = obj._meta.get_field(name)
    return getattr(obj, field.attname if field.is_relation else name)


def _planned(obj: models.Model, name: str, value):
    if obj._meta.get_field(name).is_relation and isinstance(value, models.Model):
        return value.pk
    return value


def apply_values(obj: models.Model, values: dict) -> list[str]:
    """Set the values that differ; return the names of the fields changed."""
    changed = []
    for name, value in values.items():
        if _stored(obj, name) != _planned(obj, name, value):
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _save_changed(obj: models.Model, changed: list[str]) -> None:
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        changed = [*changed, "updated_at"]
    obj.save(update_fields=changed)


def _keep_planned_timestamps(obj: models.Model, values: dict) -> None:
    """``auto_now_add`` ignores a value given on creation: write the planned one."""
    fixed = {
        f.name: values[f.name]
        for f in obj._meta.concrete_fields
        if getattr(f, "auto_now_add", False) and f.name in values
    }
    if fixed:
        type(obj).objects.filter(pk=obj.pk).update(**fixed)
        for name, value in fixed.items():
            setattr(obj, name, value)


def upsert(
    model: type[models.Model], tally: Tally, *, key: dict, values: dict, create_only=False
) -> models.Model:
    """The row with this natural key, created or brought to ``values``."""
    values = {name: value for name, value in values.items() if name not in key}
    obj = model.objects.filter(**key).first()
    if obj is None:
        obj = model.objects.create(**key, **values)
        _keep_planned_timestamps(obj, values)
        tally.add(model, "created")
    elif not create_only:
        changed = apply_values(obj, values)
        if changed:
            _save_changed(obj, changed)
            tally.add(model, "updated")
    return obj


def sync_rows(
    model: type[models.Model],
    tally: Tally,
    *,
    existing: Iterable[models.Model],
    key: Callable[[models.Model], Hashable],
    planned: dict[Hashable, dict],
) -> None:
    """Make ``existing`` (the rows in scope) equal ``planned`` (natural key → field values).

    Missing rows are created in bulk, differing ones updated, the others in
    scope deleted (including duplicates of a key)."""
    stored: dict[Hashable, models.Model] = {}
    stale: list[int] = []
    for obj in existing:
        k = key(obj)
        if k in planned and k not in stored:
            stored[k] = obj
        else:
            stale.append(obj.pk)
    if stale:
        tally.delete(model.objects.filter(pk__in=stale))
    new = [model(**values) for k, values in planned.items() if k not in stored]
    model.objects.bulk_create(new, batch_size=500)
    tally.add(model, "created", len(new))
    for k, obj in stored.items():
        changed = apply_values(obj, planned[k])
        if changed:
            _save_changed(obj, changed)
            tally.add(model, "updated")
