"""The account page: password, authenticator app, and signing out everywhere."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from programmes.access import role_required
from programmes.models import Role

from . import policy

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
