from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionSalt(models.Model):
    """A random value per user, copied into each session at sign-in. "Sign out
    everywhere" replaces it: every session holding the old value is signed out
    at its next request (``mentoring.middleware.SessionPolicyMiddleware``),
    whatever the session backend and however often the key was cycled."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_salt"
    )
    salt = models.CharField(_("salt"), max_length=64)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("session salt")
        verbose_name_plural = _("session salts")

    def __str__(self) -> str:
        return f"{self.user_id}"
