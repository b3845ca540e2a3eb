from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duos import access, selectors, services
from duos.forms import CheckInForm, CoachForm, ConcernForm, DeclineForm, IntroductionForm
from duos.models import Duo, Mentor
from duos.views import people as views_intake
from duos.views.workspace import meeting_form_for
from programmes.access import coaches_of, coordinated_programmes, get_or_deny, programmes_for
from programmes.models import Programme, Role

PAGE_SIZE = 50


@login_required
def programme_overview(request: HttpRequest, uuid) -> HttpResponse:
    """Coordinators see the pipeline; coaches, funders and evaluators counts only."""
    programme = get_or_deny(
        allowed=programmes_for(request.user, Role.values).select_related("operator"),
        related=access.related_programmes(request.user),
        uuid=uuid,
    )
    is_coordinator = coordinated_programmes(request.user).filter(pk=programme.pk).exists()
    context = {
        "programme": programme,
        "is_coordinator": is_coordinator,
        "duo_counts": selectors.programme_duo_counts(programme),
        "fundings": programme.fundings.select_related("funder"),
    }
    if is_coordinator:
        context["pipeline"] = selectors.pipeline_counts(Programme.objects.filter(pk=programme.pk))[
            programme.pk
        ]
    return render(request, "duos/programme_overview.html", context)


@login_required
@require_POST
def mentor_account(request: HttpRequest, uuid) -> HttpResponse:
    """Coordinators give a mentor an account (invitation) or take it away."""
    mentor = get_or_deny(
        allowed=access.mentors_for(request.user).select_related("programme", "user"),
        related=Mentor.objects.filter(programme__in=access.related_programmes(request.user)),
        uuid=uuid,
    )
    try:
        if request.POST.get("action") == "revoke":
            services.mentor_account_revoke(request.user, mentor=mentor)
            messages.success(request, _("%(mentor)s no longer has access.") % {"mentor": mentor})
        else:
            services.mentor_account_invite(
                request.user, mentor=mentor, request_base=request.build_absolute_uri("/")
            )
            messages.success(
                request,
                _("%(mentor)s is invited; the e-mail went to %(email)s.")
                % {"mentor": mentor, "email": mentor.email},
            )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("duos:mentor_detail", uuid=mentor.uuid)


@login_required
def duo_list(request: HttpRequest) -> HttpResponse:
    if coordinated_programmes(request.user).exists():
        return views_intake.duo_filter_list(request, selectors.duo_list_for(request.user))
    duos = selectors.duo_list_for(request.user)
    page = Paginator(duos, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.duos_with_health(page.object_list)
    return render(request, "duos/duo_list.html", {"page": page})


@login_required
def duo_detail(request: HttpRequest, uuid) -> HttpResponse:
    duo = get_or_deny(
        allowed=selectors.with_last_contact(
            access.duos_for(request.user).select_related("programme", "mentee", "mentor", "coach")
        ),
        related=Duo.objects.filter(programme__in=access.related_programmes(request.user)),
        uuid=uuid,
    )
    duo.health = selectors.duo_health(duo)
    is_coordinator = coordinated_programmes(request.user).filter(pk=duo.programme_id).exists()
    is_mentor = duo.mentor.user_id == request.user.pk
    private = is_coordinator or duo.coach_id == request.user.pk
    context = {
        "duo": duo,
        "is_coordinator": is_coordinator,
        "is_mentor": is_mentor,
        "private": private,
        "timeline": selectors.duo_timeline(duo, private=private),
        "progress": selectors.mentor_progress(duo),
        "feedback": duo.feedback.all(),
    }
    if duo.status == Duo.Status.ACTIVE and (is_mentor or is_coordinator):
        context["meeting_form"] = meeting_form_for(request.user, duo)
        context["concern_form"] = ConcernForm()
    if private:
        context["check_in_form"] = CheckInForm()
    if is_coordinator:
        context["coach_form"] = CoachForm(
            initial={"coach": duo.coach_id}, coaches=coaches_of(duo.programme)
        )
        context["introduction_form"] = IntroductionForm(
            initial={"introduction_on": duo.introduction_on}
        )
        context["decline_form"] = DeclineForm()
    return render(request, "duos/duo_detail.html", context)
