"""Matching and the duo's life: suggestions, batch runs, proposals, closing, coaching."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duos import access, services
from duos.forms import CloseForm, CoachForm, DeclineForm, IntroductionForm, WeightsForm
from duos.matching import runs as matching_runs
from duos.models import Duo, MatchDraft, MatchingRun
from duos.views.people import add_errors, person_or_deny
from programmes.access import coaches_of, coordinated_programmes, get_or_deny
from programmes.models import MatchingWeights


def _programme(request: HttpRequest, uuid):
    return get_or_deny(
        allowed=coordinated_programmes(request.user),
        related=access.related_programmes(request.user),
        uuid=uuid,
    )


def _run(request: HttpRequest, uuid) -> MatchingRun:
    return get_or_deny(
        allowed=MatchingRun.objects.filter(
            programme__in=coordinated_programmes(request.user).values("pk")
        ).select_related("programme", "weights"),
        related=MatchingRun.objects.filter(
            programme__in=access.related_programmes(request.user).values("pk")
        ),
        uuid=uuid,
    )


def _messages_from(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def mentee_suggestions(request: HttpRequest, uuid) -> HttpResponse:
    mentee = person_or_deny(request, "mentee", uuid)
    result = matching_runs.suggestions_for(mentee)
    return render(
        request,
        "duos/suggestions.html",
        {"mentee": mentee, "show_left_out": request.GET.get("why") == "1", **result},
    )


@login_required
@require_POST
def propose(request: HttpRequest, uuid, mentor_uuid) -> HttpResponse:
    mentee = person_or_deny(request, "mentee", uuid)
    mentor = person_or_deny(request, "mentor", mentor_uuid)
    chosen = next(
        (
            row
            for row in matching_runs.suggestions_for(mentee, limit=1000)["ranked"]
            if row[0] == mentor
        ),
        None,
    )
    if chosen is None:
        messages.error(request, _("This mentor cannot be proposed to this mentee now."))
        return redirect("duos:mentee_suggestions", uuid=mentee.uuid)
    try:
        duo = services.duo_propose(
            request.user,
            mentee=mentee,
            mentor=mentor,
            match_score=chosen[1],
            score_components=chosen[3],
        )
    except ValidationError as exc:
        _messages_from(request, exc)
        return redirect("duos:mentee_suggestions", uuid=mentee.uuid)
    messages.success(request, _("Proposal made: plan the introduction meeting."))
    return redirect("duos:duo_detail", uuid=duo.uuid)


@login_required
def programme_matching(request: HttpRequest, uuid) -> HttpResponse:
    programme = _programme(request, uuid)
    if request.method == "POST":
        run = matching_runs.run_start(request.user, programme=programme)
        return redirect("duos:matching_run", uuid=run.uuid)
    runs = programme.matching_runs.select_related("created_by", "weights")[:10]
    weights = matching_runs.weights_for(programme)
    return render(
        request,
        "duos/matching.html",
        {
            "programme": programme,
            "runs": runs,
            "weights": weights,
            "pool_mentees": matching_runs.mentee_pool(programme).count(),
            "pool_mentors": matching_runs.mentor_pool(programme).count(),
        },
    )


@login_required
def matching_run(request: HttpRequest, uuid) -> HttpResponse:
    run = _run(request, uuid)
    drafts = run.drafts.select_related("mentee", "mentor").order_by(
        F("score").desc(nulls_last=True), "mentee__last_name"
    )
    rows = [(d, matching_runs.explain(d.components)) for d in drafts]
    running = run.status in (MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING)
    return render(request, "duos/matching_run.html", {"run": run, "rows": rows, "running": running})


@login_required
@require_POST
def draft_lock(request: HttpRequest, uuid, mentee_uuid) -> HttpResponse:
    run = _run(request, uuid)
    draft = get_or_deny(
        allowed=MatchDraft.objects.filter(run=run).select_related("run"),
        related=MatchDraft.objects.none(),
        mentee__uuid=mentee_uuid,
    )
    try:
        matching_runs.draft_lock(
            request.user, draft=draft, locked=request.POST.get("locked") == "1"
        )
    except ValidationError as exc:
        _messages_from(request, exc)
    return redirect("duos:matching_run", uuid=run.uuid)


@login_required
@require_POST
def run_resolve(request: HttpRequest, uuid) -> HttpResponse:
    run = _run(request, uuid)
    new = matching_runs.run_start(request.user, programme=run.programme, previous=run)
    messages.success(request, _("The locked pairs are kept; the rest is solved again."))
    return redirect("duos:matching_run", uuid=new.uuid)


@login_required
@require_POST
def run_publish(request: HttpRequest, uuid) -> HttpResponse:
    run = _run(request, uuid)
    try:
        duos = matching_runs.run_publish(request.user, run=run)
    except ValidationError as exc:
        _messages_from(request, exc)
        return redirect("duos:matching_run", uuid=run.uuid)
    messages.success(request, _("%(n)s proposals published.") % {"n": len(duos)})
    return redirect(f"{reverse('duos:duo_list')}?programme={run.programme.uuid}&status=proposed")


@login_required
def weights_edit(request: HttpRequest, uuid) -> HttpResponse:
    programme = _programme(request, uuid)
    current = matching_runs.weights_for(programme)
    initial = {**current.weights, "min_score": current.min_score}
    form = WeightsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        MatchingWeights.objects.create(
            programme=programme,
            version=current.version + 1,
            weights={name: data[name] for name in WeightsForm.WEIGHT_FIELDS},
            min_score=data["min_score"],
            created_by=request.user,
        )
        messages.success(
            request, _("New weights saved as version %(v)s.") % {"v": current.version + 1}
        )
        return redirect("duos:matching", uuid=programme.uuid)
    versions = programme.weight_versions.select_related("created_by")[:10]
    return render(
        request,
        "duos/weights.html",
        {"programme": programme, "form": form, "versions": versions, "current": current},
        status=400 if form.errors else 200,
    )


# --- the duo's life -------------------------------------------------------------


def _duo_for_coordinator(request: HttpRequest, uuid) -> Duo:
    return get_or_deny(
        allowed=Duo.objects.filter(programme__in=coordinated_programmes(request.user).values("pk")),
        related=Duo.objects.filter(
            programme__in=access.related_programmes(request.user).values("pk")
        ),
        uuid=uuid,
    )


@login_required
@require_POST
def duo_action(request: HttpRequest, uuid) -> HttpResponse:
    """Proposal steps: plan the introduction, record an agreement, decline.

    Coordinators record either side; a mentor records only their own agreement."""
    duo = get_or_deny(
        allowed=access.duos_for(request.user).select_related("programme", "mentor"),
        related=Duo.objects.filter(
            programme__in=access.related_programmes(request.user).values("pk")
        ),
        uuid=uuid,
    )
    is_coordinator = coordinated_programmes(request.user).filter(pk=duo.programme_id).exists()
    is_mentor = duo.mentor.user_id == request.user.pk
    action = request.POST.get("action")
    if not is_coordinator and not (is_mentor and action in ("agree_mentor", "decline")):
        raise PermissionDenied
    try:
        _apply_action(request, duo, action)
    except ValidationError as exc:
        _messages_from(request, exc)
    return redirect("duos:duo_detail", uuid=duo.uuid)


def _apply_action(request: HttpRequest, duo: Duo, action: str | None) -> None:
    if action == "introduction":
        form = IntroductionForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Give the date of the introduction meeting."))
        services.duo_plan_introduction(
            request.user, duo=duo, on=form.cleaned_data["introduction_on"]
        )
        messages.success(request, _("Introduction meeting planned."))
    elif action in ("agree_mentee", "agree_mentor"):
        duo = services.duo_record_agreement(
            request.user, duo=duo, side=action.removeprefix("agree_")
        )
        if duo.status == Duo.Status.ACTIVE:
            messages.success(request, _("Both agreed: the duo has started."))
        else:
            messages.success(request, _("Agreement recorded."))
    elif action == "decline":
        form = DeclineForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Say why the duo was declined."))
        services.duo_decline(request.user, duo=duo, reason=form.cleaned_data["reason"])
        messages.success(request, _("Declined; the mentee is back in the pool."))
    else:
        raise ValidationError(_("Unknown action."))


@login_required
def duo_close(request: HttpRequest, uuid) -> HttpResponse:
    duo = _duo_for_coordinator(request, uuid)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.duo_close(
                request.user,
                duo=duo,
                ended_on=data["ended_on"],
                end_reason=data["end_reason"],
                exit_status=data["exit_status"],
                exit_contract=data["exit_contract"],
                feedback=form.feedback(),
                rematch=data["rematch"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The duo is closed."))
            if data["rematch"]:
                return redirect("duos:mentee_suggestions", uuid=duo.mentee.uuid)
            return redirect("duos:duo_detail", uuid=duo.uuid)
    return render(
        request,
        "duos/duo_close.html",
        {"duo": duo, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def duo_coach(request: HttpRequest, uuid) -> HttpResponse:
    duo = _duo_for_coordinator(request, uuid)
    coaches = coaches_of(duo.programme)
    form = CoachForm(request.POST, coaches=coaches)
    if form.is_valid():
        services.duo_assign_coach(
            request.user, duo=duo, coach=form.cleaned_data["coach"], allowed_coaches=coaches
        )
        messages.success(request, _("Mentor-coach updated."))
    else:
        messages.error(request, _("Choose a mentor-coach of this programme."))
    return redirect("duos:duo_detail", uuid=duo.uuid)
