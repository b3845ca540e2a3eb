from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programmes import selectors, services
from programmes.access import coordinated_programmes, get_or_deny, role_required
from programmes.forms import InvitationForm, add_errors
from programmes.models import Membership, Role


def _invitation_form(request: HttpRequest, data=None) -> InvitationForm:
    return InvitationForm(
        data,
        organisations=selectors.invitable_organisations(request.user),
        programmes=coordinated_programmes(request.user).order_by("name"),
    )


@role_required(Role.COORDINATOR)
def team(request: HttpRequest) -> HttpResponse:
    """Coordinators: who has access, invite people, revoke access."""
    form = _invitation_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.membership_invite(
                request.user,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                organisation=data["organisation"],
                role=data["role"],
                programmes=list(data["programmes"]),
                request_base=settings.SITE_URL,  # e-mailed links: on SITE_URL, as every e-mail
                language=data["language"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(email)s is invited as %(role)s.")
                % {"email": membership.user.email, "role": membership.get_role_display().lower()},
            )
            return redirect("programmes:team")
    return render(
        request,
        "programmes/team.html",
        {"form": form, "memberships": selectors.team_for(request.user)},
        status=400 if form.errors else 200,
    )


@role_required(Role.COORDINATOR)
@require_POST
def membership_revoke(request: HttpRequest, uuid) -> HttpResponse:
    membership = get_or_deny(
        allowed=selectors.team_for(request.user),
        related=Membership.objects.none(),
        uuid=uuid,
    )
    if membership.user_id == request.user.pk:
        messages.error(request, _("You cannot revoke your own access."))
        return redirect("programmes:team")
    services.membership_revoke(
        request.user, membership=membership, own_programmes=coordinated_programmes(request.user)
    )
    messages.success(request, _("Access of %(email)s revoked.") % {"email": membership.user.email})
    return redirect("programmes:team")
