from django.http import HttpRequest

from duos.access import is_mentor
from programmes.access import roles_of
from programmes.models import Role


def navigation(request: HttpRequest) -> dict:
    """Which links the navigation shows, as flags (signed-in users only): the
    template never works out a role. The roles were looked up once for the
    request (mentoring.middleware); whether the user mentors is one query, kept
    on the request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_of(user)
    duos = bool(roles & {Role.COORDINATOR, Role.COACH}) or request_is_mentor(request)
    figures = bool(roles & {Role.COORDINATOR, Role.FUNDER, Role.EVALUATOR})
    return {
        "nav": {
            "duos": duos,
            "people": Role.COORDINATOR in roles,
            "figures": figures,
            # The account pages (profile, security): everyone who works in Duo,
            # i.e. any role or a mentor (programmes.signin.views.EVERYONE).
            "account": duos or figures,
            "admin": user.is_superuser,
        }
    }


def request_is_mentor(request: HttpRequest) -> bool:
    """Whether the signed-in user mentors, looked up once per request (the home
    page and the navigation both ask)."""
    if not hasattr(request, "_duo_is_mentor"):
        request._duo_is_mentor = is_mentor(request.user)
    return request._duo_is_mentor
