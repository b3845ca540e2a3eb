from __future__ import annotations

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core import context
from allauth.mfa.utils import is_mfa_enabled


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """Nobody signs up: accounts are made by a coordinator's invitation."""

    def is_open_for_signup(self, request) -> bool:
        return False


class AccountAdapter(InvitationOnlyAccountAdapter):
    """Invitation only (programmes.adapters), and: the first authenticator app
    is enrolled right after signing in without typing the password again."""

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        if app == "allauth.mfa" and _enrolling_right_after_sign_in(context.request):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)


def _enrolling_right_after_sign_in(request) -> bool:
    """No authenticator yet, and this session signed in (password, e-mailed
    code, password reset) less than ACCOUNT_REAUTHENTICATION_TIMEOUT ago."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or is_mfa_enabled(user):
        return False
    records = get_authentication_records(request, user)
    if not records:
        return False
    return time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT
