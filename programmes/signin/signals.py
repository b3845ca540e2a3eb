"""At sign-in, whatever the path (password, e-mailed code, TOTP step, password
reset, the admin's own form): the session gets its lifetime and the user's
session salt. On enrolling an authenticator app the session counts as
authenticated with it: the person just typed a code from it."""

from __future__ import annotations

from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from allauth.mfa.models import Authenticator
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from programmes.services import profile

from . import policy


@receiver(user_logged_in, dispatch_uid="programmes.signin.session_policy_at_sign_in")
def session_policy_at_sign_in(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    policy.stamp_session(request, user)
    policy.apply_session_expiry(request, user)
    policy.keep_alive(request)


@receiver(user_logged_in, dispatch_uid="programmes.signin.language_at_sign_in")
def language_at_sign_in(sender, request, user, **kwargs) -> None:
    """The profile's language, read once per session (mentoring.middleware
    applies it to every page; the e-mails read the profile themselves)."""
    if request is None or not hasattr(request, "session"):
        return
    profile.remember_in_session(request, profile.profile_language(user))


@receiver(post_save, sender=Authenticator, dispatch_uid="programmes.signin.enrolment_counts_as_mfa")
def enrolment_counts_as_mfa(sender, instance, created, **kwargs) -> None:
    """On the request that enrols the app (allauth's ``authenticator_added``
    signal would come only after the commit, too late in tests)."""
    request = context.request
    if not created or instance.type != Authenticator.Type.TOTP or request is None:
        return
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.pk != instance.user_id:
        return
    # allauth's own record of a step, as when a code is given to confirm access:
    # the recovery codes shown next need no second confirmation.
    record_authentication(
        request, user, "mfa", id=instance.pk, type=instance.type, reauthenticated=True
    )
