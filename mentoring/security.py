"""Personal data must not stay behind in a browser's or a proxy's cache.

Every page and download answered to a signed-in user carries personal data or
may (a person, a duo, a list, an export), so each one gets
``Cache-Control: private, no-store``: the back button after signing out, a
shared computer or a caching proxy cannot show it again. So do the public
pages that show or take a person's data (the follow-up question behind its
e-mailed link, the application form) and any answer to a POST (a form shown
again with what was typed). A view that set its own Cache-Control keeps it;
static files never get here (whitenoise answers them first).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase

NO_STORE = "private, no-store"
# Public pages (no sign-in) that show or take a person's data.
PRIVATE_PUBLIC_VIEWS = frozenset({"duos:follow_up_answer", "duos:apply", "duos:apply_thanks"})


def is_private(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        return True
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in PRIVATE_PUBLIC_VIEWS:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class NoStoreMiddleware:
    """``Cache-Control: private, no-store`` on every private answer (see above).

    Placed after AuthenticationMiddleware, so that ``request.user`` is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and is_private(request):
            response["Cache-Control"] = NO_STORE
        return response
