"""Snapshots of a programme's outcome figures (DESIGN.md "Snapshots")."""

import uuid

from django.conf import settings
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
    # The programme's rules version current when the figures were computed.
    rules_version = models.PositiveIntegerField(_("rules version"), null=True, blank=True)

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


class PublishedReport(models.Model):
    """A funder's yearly report as published: its figures are frozen in ``data``
    (with the snapshot version they came from), so a later correction never
    changes what was sent. The PDF and XLSX are rendered from ``data``."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="published_reports"
    )
    funding = models.ForeignKey(
        "programmes.Funding",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="published_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    language = models.CharField(_("language"), max_length=8)
    snapshot = models.ForeignKey(RateSnapshot, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("figures"), default=dict)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["programme", "-published_at"]
        verbose_name = _("published report")
        verbose_name_plural = _("published reports")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "version"], name="published_report_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.year} v{self.version}"
