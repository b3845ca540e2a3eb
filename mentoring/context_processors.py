from django.http import HttpRequest

from duos.access import mentor_profile
from programmes.access import roles_of


def navigation(request: HttpRequest) -> dict:
    """The roles the navigation shows links for (two queries, signed-in users only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_roles": roles_of(user), "nav_is_mentor": mentor_profile(user) is not None}
