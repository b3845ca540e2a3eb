"""The account pages: password, authenticator app, signing out everywhere; the
profile (names, phone, language) and the language switch."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST, require_safe

from programmes.access import public, role_required
from programmes.models import Role
from programmes.services import profile as profile_services

from . import policy
from .forms import ProfileForm

# Registered by duos.access (a user with a Mentor profile); named here, not
# imported, so that this app imports nothing above it.
MENTOR = "mentor"

# Everyone who works in Duo; a superuser without a role has the Django admin only.
EVERYONE = (Role.COORDINATOR, Role.COACH, Role.FUNDER, Role.EVALUATOR, MENTOR)


@role_required(*EVERYONE)
@require_safe
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "programmes/signin/security.html",
        {
            "has_totp": policy.has_totp(user),
            "has_password": user.has_usable_password(),
        },
    )


@role_required(*EVERYONE)
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """Ends every session of the user, this one included."""
    policy.end_all_sessions(request.user)
    get_adapter(request).logout(request)
    messages.success(request, _("You are signed out on every device."))
    return redirect("account_login")


@public
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (the cookie, then back to ``next``); a signed-in
    user's choice is also kept in their profile, so it holds on every device and
    after signing in again, whatever the browser says."""
    response = i18n.set_language(request)
    code = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, "")
    if request.user.is_authenticated and code in dict(settings.LANGUAGES):
        profile_services.language_choose(request.user, language=code, request=request)
    return response


@role_required(*EVERYONE)
def profile(request: HttpRequest) -> HttpResponse:
    """The user's own names, phone number and language."""
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            profile_services.profile_update(
                user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                phone=data["phone"],
                language=data["language"],
                request=request,
            )
            if data["language"]:
                translation.activate(data["language"])
            messages.success(request, _("Your profile is saved."))
            return redirect("programmes:profile")
    else:
        own = profile_services.profile_of(user=user)
        form = ProfileForm(
            initial={
                "first_name": user.first_name,
                "last_name": user.last_name,
                "phone": own.phone if own else "",
                "language": own.language if own else "",
            }
        )
    return render(
        request,
        "programmes/signin/profile.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
