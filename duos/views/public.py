"""The public application forms (no sign-in)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from duos.forms import MenteeApplicationForm, MentorApplicationForm
from duos.services import intake
from programmes import ratelimit
from programmes.access import public
from programmes.models import Programme

FORMS = {"mentee": MenteeApplicationForm, "mentor": MentorApplicationForm}
LIMIT_PER_HOUR = 5
HOUR = 3600
TOO_MANY = _lazy(
    "Too many applications were sent from your connection. Please try again in an hour."
)


def _client_address(request: HttpRequest) -> str:
    # Behind the proxy, REMOTE_ADDR is set from X-Forwarded-For by the server.
    return request.META.get("REMOTE_ADDR", "unknown")


def _limit_key(request: HttpRequest) -> str:
    return f"apply:{_client_address(request)}"


@public
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    if kind not in FORMS:
        raise Http404
    programme = get_object_or_404(Programme, slug=slug)
    form_class = FORMS[kind]
    initial = {"contact_language": get_language()[:2]}
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if ratelimit.over_limit(_limit_key(request), limit=LIMIT_PER_HOUR, seconds=HOUR):
            form.add_error(None, TOO_MANY)
            status = 429
        elif form.is_valid():
            ratelimit.hit(_limit_key(request), seconds=HOUR)
            if not form.is_spam:
                data = {k: v for k, v in form.cleaned_data.items() if k in form._meta.fields}
                intake.application_submit(
                    programme=programme,
                    model=form._meta.model,
                    data=data,
                    special_consent=form.cleaned_data.get("special_consent", False),
                )
            return redirect("duos:apply_thanks", slug=programme.slug)
        else:
            status = 400
    return render(
        request,
        "duos/apply.html",
        {
            "programme": programme,
            "form": form,
            "kind": kind,
            "consent_version": intake.CONSENT_VERSION,
        },
        status=status,
    )


@public
def apply_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    return render(request, "duos/apply_thanks.html", {"programme": programme})
