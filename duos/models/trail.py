"""Who saw whom: the log of reads of people's records (STACK.md "audit";
django-auditlog records the writes).

One row per page view (one INSERT): the person page names its person, the duo
page its mentee, its mentor and the duo. An export of a few people leaves one
row per person, written in one INSERT and tied to the export's
:class:`programmes.models.AccessRecord` (its filters, size and format).

People are explicit foreign keys, so a person's trail is one indexed lookup.
Erasing a person empties their side of the rows (``SET_NULL``): who looked,
when and from where stays, nothing about the erased person does.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duos.models.choices import _choice_check
from duos.models.duos import Duo
from duos.models.participants import Mentee, Mentor
from programmes.models import AccessRecord, Programme

USER_AGENT_LIMIT = 200


class AccessKind(models.TextChoices):
    PERSON_PAGE = "person_page", _("Person page")
    DUO_PAGE = "duo_page", _("Duo page")
    PARTICIPANT_EXPORT = "participant_export", _("Export of a list")
    SUBJECT_ACCESS_EXPORT = "subject_access_export", _("Subject-access export")


class PersonAccess(models.Model):
    What = AccessKind

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    what = models.CharField(_("what"), max_length=24, choices=AccessKind.choices)
    # The person's programme: whose coordinators read the trail, whose retention prunes it.
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="+", verbose_name=_("programme")
    )
    mentee = models.ForeignKey(
        Mentee, null=True, blank=True, on_delete=models.SET_NULL, related_name="access_trail"
    )
    mentor = models.ForeignKey(
        Mentor, null=True, blank=True, on_delete=models.SET_NULL, related_name="access_trail"
    )
    # The page the person was seen on, when it was a duo's.
    duo = models.ForeignKey(Duo, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The export (with its filters, row count and format) the person was in.
    export = models.ForeignKey(
        AccessRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where from: REMOTE_ADDR as the server set it (never a client's header).
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=USER_AGENT_LIMIT, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access to a person's record")
        verbose_name_plural = _("accesses to people's records")
        constraints = [_choice_check("what", AccessKind, "person_access_what_valid")]
        indexes = [
            # A person's trail, newest first (the person page, erasure).
            models.Index(fields=["mentee", "-at"], name="person_access_mentee_at_idx"),
            models.Index(fields=["mentor", "-at"], name="person_access_mentor_at_idx"),
            # The nightly retention job: a programme's entries older than a date.
            models.Index(fields=["programme", "at"], name="person_access_programme_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.what}"
