"""A language per user (issue 16): the profile a staff user or mentor keeps for
themselves, and the one rule for the language of every e-mail.

- Screens: a signed-in user whose profile names a language gets it, whatever
  the browser says (``mentoring.middleware.UserLanguageMiddleware``; the value
  rides in the session so that no request pays a query for it).
- E-mails: ``language_for(recipient)`` and ``in_language_of(recipient)``, used
  by every place that sends one.

A user may have no profile row yet: it is made on the first write only.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from auditlog.context import set_actor
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation

from programmes.models import UserProfile

# The session key holding the profile's language ('' for "follow the browser").
SESSION_KEY = "duo_language"


def _languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def profile_language(user) -> str:
    """The language the user chose for themselves, or '' (none, or no profile)."""
    if user is None or not getattr(user, "pk", None):
        return ""
    try:
        language = user.profile.language
    except UserProfile.DoesNotExist:
        return ""
    return language if language in _languages() else ""


def language_for(recipient, /, *, fallback: str | None = None) -> str:
    """The language to write to ``recipient`` in.

    - a user: their profile's language; else, for a mentor account, the
      contact language of their Mentor profile; else ``fallback`` (e.g. the
      page they are on right now) or ``settings.LANGUAGE_CODE``;
    - a mentee or mentor record (anything with ``contact_language``): the
      language its account chose for itself, else its contact language.
    """
    languages = _languages()
    if hasattr(recipient, "contact_language"):  # a Mentee or a Mentor
        chosen = profile_language(getattr(recipient, "user", None))
        if chosen:
            return chosen
        if recipient.contact_language in languages:
            return recipient.contact_language
    elif recipient is not None:
        chosen = profile_language(recipient)
        if chosen:
            return chosen
        mentor = getattr(recipient, "mentor_profile", None)
        if mentor is not None and mentor.contact_language in languages:
            return mentor.contact_language
    if fallback:
        fallback = translation.get_supported_language_variant(fallback)
        if fallback in languages:
            return fallback
    return settings.LANGUAGE_CODE


def in_language_of(recipient, /, *, fallback: str | None = None) -> AbstractContextManager:
    """``with in_language_of(user): render the e-mail``."""
    return translation.override(language_for(recipient, fallback=fallback))


def profile_of(*, user) -> UserProfile | None:
    """The user's profile, or None: reading never makes one."""
    return UserProfile.objects.filter(user=user).first()


def profile_for(*, user) -> UserProfile:
    """The user's profile, made (empty) if they have none yet."""
    profile, _created = UserProfile.objects.get_or_create(user=user)
    user.profile = profile  # what ``user.profile`` reads from now on (no stale cache)
    return profile


def language_choose(actor, *, language: str, request: HttpRequest | None = None) -> UserProfile:
    """The signed-in user chose a language on the language switch."""
    if language not in _languages():
        raise ValueError(f"unknown language {language!r}")
    with transaction.atomic(), set_actor(actor):
        profile = profile_for(user=actor)
        if profile.language != language:
            profile.language = language
            profile.save(update_fields=["language"])
    if request is not None:
        remember_in_session(request, language)
    return profile


def profile_update(
    actor,
    *,
    first_name: str,
    last_name: str,
    phone: str,
    language: str,
    request: HttpRequest | None = None,
) -> UserProfile:
    """The profile page: the user's own names, phone and language."""
    if language not in _languages() | {""}:
        raise ValueError(f"unknown language {language!r}")
    with transaction.atomic(), set_actor(actor):
        actor.first_name = first_name
        actor.last_name = last_name
        actor.save(update_fields=["first_name", "last_name"])
        profile = profile_for(user=actor)
        profile.phone = phone
        profile.language = language
        profile.save(update_fields=["phone", "language"])
    if request is not None:
        remember_in_session(request, language)
    return profile


def invitee_language_set(*, user, language: str) -> None:
    """The inviter chose the invited person's language (part of the invitation's
    transaction: the caller holds it and the audit actor)."""
    if language not in _languages():
        return
    profile = profile_for(user=user)
    if profile.language != language:
        profile.language = language
        profile.save(update_fields=["language"])


def remember_in_session(request: HttpRequest, language: str) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_KEY] = language if language in _languages() else ""


def session_language(request: HttpRequest) -> str:
    """The signed-in user's chosen language, read once from the profile and then
    kept in the session ('' when they follow the browser)."""
    session = request.session
    language = session.get(SESSION_KEY)
    if language is None:
        language = profile_language(request.user)
        session[SESSION_KEY] = language
    return language if language in _languages() else ""
