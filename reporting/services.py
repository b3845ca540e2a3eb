"""Writing figure snapshots (append-only versions)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from programmes.models import Programme

from .models import RateSnapshot
from .rates import activity_rows, breakdown_rows, grouped_counts, programme_rows


def snapshot_compute(*, programme: Programme, trigger: str = "change") -> RateSnapshot:
    """Compute every figure of the programme into a new snapshot version.

    Running it twice leaves the same figures: the second version equals the first."""
    computed_at = timezone.now()
    today = timezone.localdate(computed_at)
    grouped = grouped_counts(programme, today=today)  # the one query of the figures
    rows = programme_rows(programme, today=today, grouped=grouped)
    breakdowns = breakdown_rows(programme, today=today, grouped=grouped)
    activity = activity_rows(programme)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                last = programme.rate_snapshots.aggregate(v=Max("version"))["v"] or 0
                return RateSnapshot.objects.create(
                    programme=programme,
                    version=last + 1,
                    computed_at=computed_at,
                    rows=rows,
                    breakdowns=breakdowns,
                    activity=activity,
                    trigger=trigger,
                    rules_version=_current_rules_version(programme),
                )
        except IntegrityError:  # two workers took the same version number: take the next
            continue
    raise RuntimeError(f"Could not write a snapshot version for {programme.slug}")


def _current_rules_version(programme: Programme) -> int | None:
    """The rules version the figures were computed under (None before any)."""
    return programme.rule_versions.aggregate(v=Max("version"))["v"]


def latest_snapshot(programme: Programme) -> RateSnapshot | None:
    return programme.rate_snapshots.order_by("-version").first()
