"""Who must sign in with a second factor, how long a session may stay idle,
and the per-user session salt behind "sign out everywhere".

Staff are the people who see other people's records: coordinators, coaches,
funders, evaluators (live memberships) and administrators. Mentors, who only
hold a Mentor profile, sign in with a password or an e-mailed code.
"""

from __future__ import annotations

import secrets
import time

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from programmes.access import roles_of
from programmes.models import Role, SessionSalt

STAFF_ROLES = frozenset({Role.COORDINATOR, Role.COACH, Role.FUNDER, Role.EVALUATOR})
SALT_SESSION_KEY = "duo_session_salt"
SEEN_SESSION_KEY = "duo_seen"
KEEP_ALIVE_SECONDS = 60


def is_staff_user(user) -> bool:
    """Holds a staff role now, or is an administrator."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(roles_of(user) & STAFF_ROLES)


# The demo accounts' addresses, registered by the app that seeds them (duos'
# demo), so that this app imports nothing above it.
_DEMO_EMAILS: set[str] = set()


def register_demo_accounts(emails) -> None:
    _DEMO_EMAILS.update(email.lower() for email in emails)


def mfa_waived(user) -> bool:
    """The demo accounts, and only while the site runs in demo mode."""
    return bool(settings.DEMO_MODE) and (user.email or "").lower() in _DEMO_EMAILS


def mfa_required(user, *, staff: bool | None = None) -> bool:
    if not settings.MFA_REQUIRED:
        return False
    if staff is None:
        staff = is_staff_user(user)
    return staff and not mfa_waived(user)


def has_totp(user) -> bool:
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


def session_used_mfa(request: HttpRequest) -> bool:
    """allauth records each authentication step of a session; a step with the
    method "mfa" means a TOTP or recovery code was given in this session (at
    sign-in, on confirming access, or on enrolling: ``programmes.signin.signals``)."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def idle_seconds(user, *, staff: bool | None = None) -> int:
    if staff is None:
        staff = is_staff_user(user)
    return settings.STAFF_SESSION_IDLE_SECONDS if staff else settings.MENTOR_SESSION_IDLE_SECONDS


def apply_session_expiry(request: HttpRequest, user, *, staff: bool | None = None) -> None:
    """The session ends after this many idle seconds: its age counts from its
    last save (``keep_alive``)."""
    seconds = idle_seconds(user, staff=staff)
    if request.session.get("_session_expiry") != seconds:
        request.session.set_expiry(seconds)


def keep_alive(request: HttpRequest) -> None:
    """Saves the session (so restarts its idle time, and renews the cookie) at
    most once every KEEP_ALIVE_SECONDS: SESSION_SAVE_EVERY_REQUEST would write
    to the database on every request for the same effect, give or take a minute."""
    now = int(time.time())
    if now - request.session.get(SEEN_SESSION_KEY, 0) >= KEEP_ALIVE_SECONDS:
        request.session[SEEN_SESSION_KEY] = now


# --- sign out everywhere ------------------------------------------------------------------


def _new_salt() -> str:
    return secrets.token_urlsafe(32)


def stamp_session(request: HttpRequest, user) -> None:
    """At sign-in: the session carries the user's current salt."""
    salt = SessionSalt.objects.filter(user=user).values_list("salt", flat=True).first()
    if salt is None:
        salt = _new_salt()
        try:
            with transaction.atomic():
                SessionSalt.objects.create(user=user, salt=salt)
        except IntegrityError:  # a sign-in in parallel made it first
            salt = SessionSalt.objects.get(user=user).salt
    request.session[SALT_SESSION_KEY] = salt


def session_is_current(request: HttpRequest, user) -> bool:
    """False once the user signed out everywhere after this session began."""
    salt = SessionSalt.objects.filter(user=user).values_list("salt", flat=True).first()
    return salt is None or request.session.get(SALT_SESSION_KEY) == salt


def end_all_sessions(user) -> None:
    """Every session of ``user`` is signed out at its next request."""
    SessionSalt.objects.update_or_create(user=user, defaults={"salt": _new_salt()})
