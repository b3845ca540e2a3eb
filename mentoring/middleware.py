"""Sign-in policy on every request (issue 13; the rules live in programmes.signin.policy).

allauth has no setting that forces a second factor, so this middleware does:

- a session begun before the user signed out everywhere is signed out;
- the user's roles are looked up once and kept on the request's user for the
  rest of the request (``programmes.access.roles_of`` reads them there);
- the session's idle lifetime follows the user's role (8 hours for staff,
  30 days for mentors), also when a role is granted or revoked meanwhile; the
  session is saved at most once a minute, which restarts its idle time;
- a staff member (coordinator, coach, funder, evaluator, administrator) with
  no authenticator app yet is sent to enrol one, from every page but the
  enrolment pages and signing out ("enrolled at first sign-in");
- a staff member with an authenticator app whose session was opened without
  it (the admin's own sign-in form, say) gets no page but the one to confirm
  with a code, and signing out.

Mentors are never asked. The demo accounts are waived while DEMO_MODE is on.
``MFA_REQUIRED = False`` turns the second-factor part off (the test settings,
so that tests can sign people in with ``force_login``). Static files never
get here (whitenoise answers them first).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django_htmx.http import HttpResponseClientRedirect

from programmes.access import ROLES_CACHE, roles_of
from programmes.services import profile
from programmes.signin import policy

# Pages every signed-in person reaches, whatever the state of their second factor.
ALWAYS_OPEN = frozenset({"account_logout", "set_language", "programmes:language"})
# Enrolling an authenticator app; allauth asks to confirm the password (or an
# e-mailed code) first when the sign-in is more than a few minutes old.
ENROLMENT = frozenset(
    {
        "mfa_activate_totp",
        "mfa_index",
        "account_reauthenticate",
        "account_request_reauthentication_code",
        "account_confirm_reauthentication_code",
    }
)
# Confirming a session with a code from the authenticator app.
CONFIRMATION = frozenset({"mfa_reauthenticate"})


class SignInPolicyMiddleware:
    """After AuthenticationMiddleware, allauth's AccountMiddleware and
    HtmxMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated:
            if not policy.session_is_current(request, user):
                logout(request)
            else:
                # Once per request: the policy below, the view's role check, the
                # page and the navigation all read them (programmes.access.roles_of).
                setattr(user, ROLES_CACHE, frozenset(roles_of(user)))
                staff = policy.is_staff_user(user)
                request.mfa_required = policy.mfa_required(user, staff=staff)
                policy.apply_session_expiry(request, user, staff=staff)
                policy.keep_alive(request)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not getattr(request, "mfa_required", False):
            return None
        name = request.resolver_match.view_name
        if name in ALWAYS_OPEN:
            return None
        if not policy.has_totp(request.user):
            if name in ENROLMENT:
                return None
            return _redirect(request, reverse("mfa_activate_totp"))
        if policy.session_used_mfa(request) or name in CONFIRMATION:
            return None
        confirm_url = reverse("mfa_reauthenticate")
        if request.method == "GET":
            confirm_url += "?" + urlencode({"next": request.get_full_path()})
        return render(
            request, "programmes/signin/mfa_required.html", {"confirm_url": confirm_url}, status=403
        )


def _redirect(request: HttpRequest, url: str) -> HttpResponseBase:
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


class UserLanguageMiddleware:
    """A signed-in user whose profile names a language gets every page in it,
    whatever the browser says; everybody else keeps LocaleMiddleware's choice
    (the language cookie, then Accept-Language).

    After LocaleMiddleware (which activated the browser's language and, on the
    way out, sets Content-Language from the active one) and after
    SignInPolicyMiddleware (which may sign the request out). The language is
    read from the profile once per session (at sign-in, programmes.signin.signals)
    and kept in the session, so a page costs no query for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = profile.session_language(request)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
