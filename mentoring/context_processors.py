from django.http import HttpRequest

from duos.access import is_mentor
from programmes.access import roles_of
from programmes.models import Role


def navigation(request: HttpRequest) -> dict:
    """Which links the navigation shows, as flags (two queries, signed-in users
    only): the template never works out a role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_of(user)
    return {
        "nav": {
            "duos": bool(roles & {Role.COORDINATOR, Role.COACH}) or is_mentor(user),
            "people": Role.COORDINATOR in roles,
            "figures": bool(roles & {Role.COORDINATOR, Role.FUNDER, Role.EVALUATOR}),
            "admin": user.is_superuser,
        }
    }
