"""Uploaded spreadsheets waiting for their preview and confirmation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from duos.models.choices import ImportKind, _choice_check
from programmes.models import Programme, PublicIdModel


class DataImport(PublicIdModel):
    """An uploaded spreadsheet kept between its preview and its confirmation."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="imports", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    # Large files are read and applied by a Celery job; the page shows progress.
    state = models.CharField(_("state"), max_length=16, default="uploaded")
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [_choice_check("kind", ImportKind, "import_kind_valid")]

    def __str__(self) -> str:
        return self.filename


class ImportedRow(models.Model):
    """What the last import said for one row key of a programme (a participant's
    ``kind|ref``, an outcome's ``jobseeker_ref|point``, a historical duo's
    ``mentee_ref|started_on``): the cells as read, blank ones left out.

    A later import applies a cell only when it says something else than this;
    so re-importing an unchanged file changes nothing, whatever was recorded or
    corrected on the screens since. Bookkeeping of the import, not audited."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="+", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    key = models.CharField(_("key"), max_length=200)
    values = models.JSONField(_("values"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        constraints = [
            # Also the index for "what did the last import say for these keys".
            models.UniqueConstraint(
                fields=["programme", "kind", "key"], name="imported_row_once_per_key"
            ),
            _choice_check("kind", ImportKind, "imported_row_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
