"""Scoped reads of the figures, for pages outside the dashboards."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, Subquery

from programmes.access import coordinated_programmes
from programmes.models import Programme

from .dashboard import Period, dashboard
from .figures import Figure
from .models import RateSnapshot


def latest_snapshots(programmes: Iterable[Programme]) -> dict[int, RateSnapshot]:
    """Programme id → its latest snapshot, in one query."""
    latest = RateSnapshot.objects.filter(programme=OuterRef("programme")).order_by("-version")
    snapshots = RateSnapshot.objects.filter(
        programme__in=[p.pk for p in programmes], pk=Subquery(latest.values("pk")[:1])
    )
    return {snapshot.programme_id: snapshot for snapshot in snapshots}


def headlines_for(user, programmes: list[Programme]) -> dict[int, Figure | None]:
    """Programme id → all cohorts at exit over the completed, exactly as its
    dashboard shows it to ``user`` (the same sheet, hence the same suppressed
    cells); None while nothing is computed."""
    full = set(coordinated_programmes(user).values_list("pk", flat=True))
    snapshots = latest_snapshots(programmes)
    headlines = {}
    for programme in programmes:
        snapshot = snapshots.get(programme.pk)
        headlines[programme.pk] = (
            None
            if snapshot is None
            else dashboard(snapshot, Period(None, None), full=programme.pk in full)["table"][0]
        )
    return headlines
