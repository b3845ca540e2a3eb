"""The token behind invitation and password-reset links.

Django's token already dies when the password changes or the user signs in.
Ours also dies when access changes: when the account is switched off or any of
the person's memberships is revoked, every unused link they hold is void
(DESIGN.md "Who sees what": revoking access voids unused invitation links).
"""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db.models import Max

from .models import Membership


class AccessAwareTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "duo.programmes.tokens.AccessAwareTokenGenerator"

    def _make_hash_value(self, user, timestamp) -> str:
        # Any change of a membership (revoked, grants removed) moves updated_at.
        changed = Membership.objects.filter(user=user).aggregate(last=Max("updated_at"))["last"]
        access = f"{user.is_active}:{changed.isoformat() if changed else ''}"
        return super()._make_hash_value(user, timestamp) + access
