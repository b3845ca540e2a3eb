"""Snapshots of a programme's outcome figures (DESIGN.md "Snapshots")."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.models import Programme


class RateSnapshot(models.Model):
    """All figures of one programme at one moment: append-only, versioned.

    ``rows`` holds the rows of the public rates format (DESIGN.md "Rates"),
    without the programme and computed_at keys, which are the snapshot's own."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="rate_snapshots"
    )
    version = models.PositiveIntegerField(_("version"))
    computed_at = models.DateTimeField(_("computed at"))
    rows = models.JSONField(_("rows"), default=list)
    breakdowns = models.JSONField(_("breakdowns"), default=list, blank=True)
    activity = models.JSONField(_("activity per year"), default=list, blank=True)
    trigger = models.CharField(_("trigger"), max_length=16, default="change")

    class Meta:
        ordering = ["programme", "-version"]
        verbose_name = _("rate snapshot")
        verbose_name_plural = _("rate snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "version"], name="snapshot_version_unique"
            ),
        ]
        indexes = [
            # Screens read the latest version of a programme.
            models.Index(fields=["programme", "-version"], name="snapshot_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} v{self.version}"
