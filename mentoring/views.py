"""The home page: one section per role the user holds."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from duos import access as duo_access
from duos import selectors as duo_selectors
from duos.forms import meeting_form_for
from mentoring.context_processors import request_is_mentor
from programmes.access import programmes_for, public, roles_of
from programmes.models import Role
from programmes.selectors import programmes_with_operator
from reporting.selectors import headlines_for


def _coordinator(user, context: dict) -> None:
    programmes = list(programmes_with_operator(programmes_for(user, [Role.COORDINATOR])))
    counts = duo_selectors.pipeline_counts(programmes_for(user, [Role.COORDINATOR]))
    context["coordinated"] = [(p, counts[p.pk]) for p in programmes]
    context["concerns"] = duo_selectors.open_concerns(duo_access.coordinated_duos(user))
    context["follow_ups_due"] = duo_selectors.follow_ups_due(user)[:50]
    context["answers_to_decide"] = duo_selectors.answers_to_decide(user)[:50]


# The coach's table shows the most urgent duos (at risk, silent, slipping
# first); the rest are one link away in the duo list. A coach following 150
# duos got a 56 KB page that cost 50 ms to render.
COACH_TABLE_ROWS = 50


def _coach(user, context: dict) -> None:
    followed = duo_access.supported_duos(user).filter(coach=user)
    coached = duo_selectors.coached_duos(user)
    context["coached_duos"] = coached[:COACH_TABLE_ROWS]
    context["coached_more"] = max(len(coached) - COACH_TABLE_ROWS, 0)
    context.setdefault("concerns", duo_selectors.open_concerns(followed))
    context["ending_soon"] = duo_selectors.ending_soon(followed)


def _mentor(user, context: dict) -> None:
    own = duo_selectors.duos_with_health(duo_selectors.mentor_home_duos(user))
    last = duo_selectors.last_meeting_logged_by(user)
    for duo in own:
        duo.meeting_form = meeting_form_for(duo, last_meeting=last)
        duo.progress = duo_selectors.mentor_progress(duo)
    for duo, html in zip(own, _fields_html([duo.meeting_form for duo in own]), strict=True):
        duo.meeting_form_html = html
    context["mentor_duos"] = own
    context["mentor_proposals"] = duo_selectors.mentor_proposals(user)


def _fields_html(forms: list) -> list[str]:
    """The fields of each duo's meeting form as _form.html renders them.

    The forms are alike but for their prefix (the duo) and their one-use token,
    so the first is rendered and the others are that HTML with their own prefix
    and token: a mentor with a dozen duos costs one form's rendering, not a
    dozen (Django renders a form field by field through templates, ~2 ms a form).
    Forms that differ otherwise (bound, other defaults) are rendered each."""
    if not forms:
        return []
    first = forms[0]
    token = "client_token"

    def alike(form) -> bool:
        same = {k: v for k, v in form.initial.items() if k != token}
        return not form.is_bound and same == {k: v for k, v in first.initial.items() if k != token}

    if first.is_bound or not all(alike(form) for form in forms):
        return [render_to_string("_form.html", {"form": form}) for form in forms]
    html = render_to_string("_form.html", {"form": first})
    prefix, first_token = f"{first.prefix}-", str(first.initial[token])
    return [
        mark_safe(  # noqa: S308 -- Django's own rendering, with names and a UUID swapped
            html.replace(prefix, f"{form.prefix}-").replace(first_token, str(form.initial[token]))
        )
        for form in forms
    ]


@public
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    user = request.user
    roles = roles_of(user)
    context: dict = {"roles": roles}
    if Role.COORDINATOR in roles:
        _coordinator(user, context)
    if Role.COACH in roles:
        _coach(user, context)
    if request_is_mentor(request):
        _mentor(user, context)
    granted = roles & {Role.FUNDER, Role.EVALUATOR}
    if granted:
        programmes = list(programmes_with_operator(programmes_for(user, granted)))
        headlines = headlines_for(user, programmes)
        for programme in programmes:
            programme.headline = headlines[programme.pk]
        context["granted"] = programmes
    return render(request, "home.html", context)
