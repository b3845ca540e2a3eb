"""The home page: one section per role the user holds."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from duos import access as duo_access
from duos import selectors as duo_selectors
from duos.models import Duo
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
    if Role.COACH in roles:
        followed = duo_selectors.duo_list_for(user, statuses=[Duo.Status.ACTIVE]).filter(coach=user)
        context["coached_duos"] = duo_selectors.duos_with_health(followed)
    if duo_access.mentor_profile(user) is not None:
        own = duo_selectors.duo_list_for(user, statuses=[Duo.Status.ACTIVE])
        own = own.filter(mentor__user=user)
        context["mentor_duos"] = duo_selectors.duos_with_health(own)
    granted = roles & {Role.FUNDER, Role.EVALUATOR}
    if granted:
        context["granted"] = programmes_with_operator(programmes_for(user, granted))
    return render(request, "home.html", context)
