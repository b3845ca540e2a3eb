"""Batch matching runs and their draft pairs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duos.models.choices import RunStatus, _choice_check
from duos.models.participants import Mentee, Mentor
from programmes.models import Programme, PublicIdModel


class MatchingRun(PublicIdModel):
    """One batch matching of a programme's pool, its inputs and its result."""

    Status = RunStatus

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="matching_runs",
        verbose_name=_("programme"),
    )
    weights = models.ForeignKey(
        "programmes.MatchingWeights", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    inputs_hash = models.CharField(_("inputs hash"), max_length=64, blank=True)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    unmatched = models.PositiveIntegerField(_("unmatched"), default=0)
    mean_score = models.DecimalField(
        _("mean score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    objective = models.FloatField(_("objective"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        constraints = [
            _choice_check("status", RunStatus, "matching_run_status_valid"),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="matching_run_progress_pct"
            ),
        ]
        indexes = [
            # The programme's matching page: its latest runs.
            models.Index(fields=["programme", "-created_at"], name="matching_run_programme_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.created_at:%Y-%m-%d %H:%M}"


class MatchDraft(models.Model):
    """A run's suggestion for one mentee: a mentor, or none (left to a human)."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="drafts")
    mentee = models.ForeignKey(Mentee, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(
        Mentor, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    components = models.JSONField(default=list, blank=True)
    locked = models.BooleanField(_("locked"), default=False)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="draft_once_per_mentee"),
            models.CheckConstraint(
                condition=Q(locked=False) | Q(mentor__isnull=False), name="draft_locked_has_mentor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} → {self.mentor or '—'}"


class MatchRejection(models.Model):
    """A pair a coordinator rejected in a batch run: re-solving never proposes it again."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="rejections")
    mentee = models.ForeignKey(Mentee, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "mentee", "mentor"], name="rejection_once_per_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} ✗ {self.mentor}"
