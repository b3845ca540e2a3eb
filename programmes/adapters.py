from __future__ import annotations

import time
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core import context as allauth_context
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from programmes.services.profile import in_language_of


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """Nobody signs up: accounts are made by a coordinator's invitation."""

    def is_open_for_signup(self, request) -> bool:
        return False


class AccountAdapter(InvitationOnlyAccountAdapter):
    """Invitation only (programmes.adapters), and: the first authenticator app
    is enrolled right after signing in without typing the password again."""

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        if app == "allauth.mfa" and _enrolling_right_after_sign_in(allauth_context.request):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    # --- allauth's e-mails (sign-in code, password reset, notifications) ---------------

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """In the recipient's language (their profile, else the page they are on),
        signed with the site's name and SITE_URL, never the request's host."""
        recipient = context.get("user") or _account_with(email)
        with in_language_of(recipient, fallback=translation.get_language()):
            ctx = {
                "request": allauth_context.request,
                "email": email,
                "current_site": site(),
                "site_name": settings.SITE_NAME,
                "site_url": settings.SITE_URL,
            }
            ctx.update(context)
            message = self.render_mail(template_prefix, email, ctx)
        message.send()

    def format_email_subject(self, subject: str) -> str:
        prefix = account_settings.EMAIL_SUBJECT_PREFIX
        if prefix is None:
            prefix = f"[{settings.SITE_NAME}] "
        return prefix + str(subject)

    def get_reset_password_from_key_url(self, key: str) -> str:
        """On SITE_URL, as every link Duo e-mails (not on the Host header)."""
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return settings.SITE_URL + path.replace("UID-KEY", quote(key))


def site() -> SimpleNamespace:
    """What allauth's templates call ``current_site``: our name and address."""
    return SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


def _account_with(email: str):
    if not email:
        return None
    return get_user_model().objects.filter(email__iexact=email, is_active=True).first()


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
