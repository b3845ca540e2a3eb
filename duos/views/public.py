"""The public application forms (no sign-in)."""

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from duos.forms import MenteeApplicationForm, MentorApplicationForm
from duos.services import intake
from programmes.models import Programme

FORMS = {"mentee": MenteeApplicationForm, "mentor": MentorApplicationForm}
LIMIT_PER_HOUR = 5
TOO_MANY = _lazy(
    "Too many applications were sent from your connection. Please try again in an hour."
)


def _client_address(request: HttpRequest) -> str:
    # Behind the proxy, REMOTE_ADDR is set from X-Forwarded-For by the server.
    return request.META.get("REMOTE_ADDR", "unknown")


def _over_limit(request: HttpRequest) -> bool:
    key = f"apply:{_client_address(request)}"
    cache.add(key, 0, timeout=3600)
    return cache.get(key, 0) >= LIMIT_PER_HOUR


def _count(request: HttpRequest) -> None:
    key = f"apply:{_client_address(request)}"
    try:
        cache.incr(key)
    except ValueError:  # expired between the check and now
        cache.set(key, 1, timeout=3600)


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
        if _over_limit(request):
            form.add_error(None, TOO_MANY)
            status = 429
        elif form.is_valid():
            _count(request)
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


def apply_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    return render(request, "duos/apply_thanks.html", {"programme": programme})
