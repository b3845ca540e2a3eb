"""The home page: one section per role the user holds."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from duos import access as duo_access
from duos import selectors as duo_selectors
from duos.models import Duo
from duos.services import workspace
from duos.views.workspace import meeting_form_for
from programmes.access import programmes_for, roles_of
from programmes.models import Role
from programmes.selectors import programmes_with_operator


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    user = request.user
    roles = roles_of(user)
    context: dict = {"roles": roles}
    if Role.COORDINATOR in roles:
        programmes = list(programmes_with_operator(programmes_for(user, [Role.COORDINATOR])))
        counts = duo_selectors.pipeline_counts(programmes_for(user, [Role.COORDINATOR]))
        context["coordinated"] = [(p, counts[p.pk]) for p in programmes]
        coordinated_duos = Duo.objects.filter(programme__in=[p.pk for p in programmes])
        context["concerns"] = workspace.open_concerns(coordinated_duos)
        context["follow_ups_due"] = workspace.follow_ups_due(user)[:50]
    if Role.COACH in roles:
        followed = duo_access.duos_for(user).filter(coach=user)
        active = duo_selectors.duo_list_for(user, statuses=[Duo.Status.ACTIVE]).filter(coach=user)
        context["coached_duos"] = duo_selectors.duos_with_health(active)
        context.setdefault("concerns", workspace.open_concerns(followed))
        context["ending_soon"] = workspace.ending_soon(followed)
    if duo_access.mentor_profile(user) is not None:
        own = duo_selectors.duo_list_for(user, statuses=[Duo.Status.ACTIVE])
        own = duo_selectors.duos_with_health(own.filter(mentor__user=user))
        for duo in own:
            duo.meeting_form = meeting_form_for(user, duo)
            duo.progress = duo_selectors.mentor_progress(duo)
        context["mentor_duos"] = own
        context["mentor_proposals"] = (
            duo_access.duos_for(user)
            .filter(mentor__user=user, status=Duo.Status.PROPOSED)
            .select_related("mentee")
        )
    granted = roles & {Role.FUNDER, Role.EVALUATOR}
    if granted:
        context["granted"] = programmes_with_operator(programmes_for(user, granted))
    return render(request, "home.html", context)
