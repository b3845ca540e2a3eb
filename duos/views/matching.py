"""Matching and the duo's life: suggestions, batch runs, proposals, closing, coaching."""

from __future__ import annotations

import uuid as uuid_module

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from duos import access, services
from duos.forms import CloseForm, CoachForm, DeclineForm, IntroductionForm, WeightsForm
from duos.matching import review
from duos.matching import runs as matching_runs
from duos.models import Duo, MatchDraft, MatchingRun, Mentee, Mentor
from duos.views.common import add_errors, messages_from
from programmes import services as programme_services
from programmes.access import coaches_of, role_required
from programmes.models import Role


@role_required(Role.COORDINATOR)
def mentee_suggestions(request: HttpRequest, uuid) -> HttpResponse:
    mentee = access.person_or_deny(request.user, Mentee, uuid)
    result = matching_runs.suggestions_for(mentee)
    return render(
        request,
        "duos/suggestions.html",
        {"mentee": mentee, "show_left_out": request.GET.get("why") == "1", **result},
    )


@role_required(Role.COORDINATOR)
@require_POST
def propose(request: HttpRequest, uuid, mentor_uuid) -> HttpResponse:
    mentee = access.person_or_deny(request.user, Mentee, uuid)
    mentor = access.person_or_deny(request.user, Mentor, mentor_uuid)
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
        messages_from(request, exc)
        return redirect("duos:mentee_suggestions", uuid=mentee.uuid)
    messages.success(request, _("Proposal made: plan the introduction meeting."))
    return redirect("duos:duo_detail", uuid=duo.uuid)


@role_required(Role.COORDINATOR)
def programme_matching(request: HttpRequest, uuid) -> HttpResponse:
    programme = access.programme_or_deny(request.user, uuid)
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


def _run(request: HttpRequest, uuid) -> MatchingRun:
    return access.run_or_deny(request.user, uuid)


def _draft(run: MatchingRun, mentee_uuid) -> MatchDraft:
    """A row of this run (404 for a mentee who has none)."""
    return get_object_or_404(
        run.drafts.select_related("run__programme", "run__weights", "mentee", "mentor"),
        mentee__uuid=mentee_uuid,
    )


def _back(run: MatchingRun) -> HttpResponse:
    return redirect("duos:matching_run", uuid=run.uuid)


@role_required(Role.COORDINATOR)
def matching_run(request: HttpRequest, uuid) -> HttpResponse:
    run = _run(request, uuid)
    drafts = run.drafts.select_related("mentee", "mentor").order_by(
        F("score").desc(nulls_last=True), "mentee__last_name"
    )
    rows = review.run_rows(run, drafts)
    running = run.status in (MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING)
    stale = run.status == MatchingRun.Status.DONE and review.is_superseded(run)
    context = {
        "run": run,
        "rows": rows,
        "running": running,
        "stale": stale,
        "editable": run.status == MatchingRun.Status.DONE and not stale,
        "publishable": sum(row.publishable for row in rows),
    }
    return render(request, "duos/matching_run.html", context)


@role_required(Role.COORDINATOR)
@require_POST
def draft_lock(request: HttpRequest, uuid, mentee_uuid) -> HttpResponse:
    run = _run(request, uuid)
    draft = _draft(run, mentee_uuid)
    try:
        review.draft_lock(request.user, draft=draft, locked=request.POST.get("locked") == "1")
    except ValidationError as exc:
        messages_from(request, exc)
    return _back(run)


@role_required(Role.COORDINATOR)
@require_POST
def draft_reject(request: HttpRequest, uuid, mentee_uuid) -> HttpResponse:
    run = _run(request, uuid)
    draft = _draft(run, mentee_uuid)
    try:
        review.draft_reject(request.user, draft=draft)
    except ValidationError as exc:
        messages_from(request, exc)
    else:
        messages.success(
            request,
            _(
                "%(mentee)s with %(mentor)s rejected: re-solve to get another suggestion, "
                "or swap in a mentor yourself."
            )
            % {"mentee": draft.mentee, "mentor": draft.mentor},
        )
    return _back(run)


@role_required(Role.COORDINATOR)
@require_POST
def rejection_undo(request: HttpRequest, uuid, mentee_uuid, mentor_uuid) -> HttpResponse:
    run = _run(request, uuid)
    draft = _draft(run, mentee_uuid)
    mentor = get_object_or_404(run.programme.mentors, uuid=mentor_uuid)
    try:
        review.rejection_undo(request.user, run=run, mentee=draft.mentee, mentor=mentor)
    except ValidationError as exc:
        messages_from(request, exc)
    else:
        messages.success(
            request,
            _("%(mentee)s with %(mentor)s is no longer rejected.")
            % {"mentee": draft.mentee, "mentor": mentor},
        )
    return _back(run)


@role_required(Role.COORDINATOR)
def draft_swap(request: HttpRequest, uuid, mentee_uuid) -> HttpResponse:
    """The mentee's eligible mentors, ranked; choosing one locks the row with them."""
    run = _run(request, uuid)
    draft = _draft(run, mentee_uuid)
    try:
        review.check_open(run)
        if request.method == "POST":
            mentor = _mentor_of(run, request.POST.get("mentor", ""))
            review.draft_swap(request.user, draft=draft, mentor=mentor)
            messages.success(
                request,
                _("%(mentee)s now goes with %(mentor)s; the row is locked.")
                % {"mentee": draft.mentee, "mentor": mentor},
            )
            return _back(run)
    except ValidationError as exc:
        messages_from(request, exc)
        return _back(run)
    options = review.swap_options(run, draft=draft)
    return render(
        request, "duos/matching_swap.html", {"run": run, "draft": draft, "options": options}
    )


def _mentor_of(run: MatchingRun, value: str) -> Mentor:
    """A mentor of the run's programme, or a clear refusal (never a 404 or a 500)."""
    try:
        return run.programme.mentors.get(uuid=uuid_module.UUID(value))
    except (ValueError, Mentor.DoesNotExist):
        raise ValidationError(_("This mentor cannot be proposed to this mentee now.")) from None


@role_required(Role.COORDINATOR)
@require_POST
def run_resolve(request: HttpRequest, uuid) -> HttpResponse:
    run = _run(request, uuid)
    try:
        new = review.run_resolve(request.user, run=run)
    except ValidationError as exc:
        messages_from(request, exc)
        return _back(run)
    messages.success(
        request,
        _("The locked pairs are kept and rejected pairs left out; the rest is solved again."),
    )
    return redirect("duos:matching_run", uuid=new.uuid)


@role_required(Role.COORDINATOR)
def run_publish(request: HttpRequest, uuid) -> HttpResponse:
    """GET: what publishing the chosen rows will send, to whom. POST: publish them."""
    run = _run(request, uuid)
    try:
        if request.method == "POST":
            duos = review.run_publish(request.user, run=run, chosen=_confirmed(request))
        else:
            plan = review.publish_plan(run, mentee_uuids=request.GET.getlist("row"))
    except ValidationError as exc:
        messages_from(request, exc)
        return _back(run)
    if request.method == "POST":
        messages.success(
            request,
            ngettext("%(n)s proposal published.", "%(n)s proposals published.", len(duos))
            % {"n": len(duos)},
        )
        return redirect(
            f"{reverse('duos:duo_list')}?programme={run.programme.uuid}&status=proposed"
        )
    return render(request, "duos/matching_publish.html", {"run": run, "plan": plan})


def _confirmed(request: HttpRequest) -> dict[str, str]:
    """The pairs on the confirmation page: "mentee uuid:mentor uuid" each."""
    pairs = [value.partition(":") for value in request.POST.getlist("pair")]
    if not pairs or any(not sep for _mentee, sep, _mentor in pairs):
        raise ValidationError(_("The chosen rows could not be read: choose them again."))
    return {mentee: mentor for mentee, _sep, mentor in pairs}


@role_required(Role.COORDINATOR)
def weights_edit(request: HttpRequest, uuid) -> HttpResponse:
    """The matching weights: they add up to 100 (said before the form, checked by
    the form and the service); saving the current ones again writes nothing."""
    programme = access.programme_or_deny(request.user, uuid)
    current = matching_runs.weights_for(programme)
    initial = {**current.weights, "min_score": current.min_score}
    form = WeightsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = programme_services.weights_save(
                request.user,
                programme=programme,
                weights={name: data[name] for name in WeightsForm.WEIGHT_FIELDS},
                min_score=data["min_score"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if saved is None:
                messages.info(
                    request,
                    _("The weights did not change: version %(v)s stays.") % {"v": current.version},
                )
            else:
                messages.success(
                    request, _("New weights saved as version %(v)s.") % {"v": saved.version}
                )
            return redirect("duos:matching", uuid=programme.uuid)
    versions = programme.weight_versions.select_related("created_by")[:10]
    labels = {name: WeightsForm.base_fields[name].label for name in WeightsForm.WEIGHT_FIELDS}
    return render(
        request,
        "duos/weights.html",
        {
            "programme": programme,
            "form": form,
            "current": current,
            "total": programme_services.WEIGHTS_TOTAL,
            "versions": [
                (v, [(labels.get(k, k), w) for k, w in v.weights.items()]) for v in versions
            ],
        },
        status=400 if form.errors else 200,
    )


# --- the duo's life -------------------------------------------------------------


MENTOR_ACTIONS = ("agree_mentor", "decline")


@role_required(Role.COORDINATOR, access.MENTOR)
@require_POST
def duo_action(request: HttpRequest, uuid) -> HttpResponse:
    """Proposal steps: plan the introduction, record an agreement, decline.

    Coordinators record either side; a mentor records only their own agreement."""
    duo, view = access.duo_or_deny(request.user, uuid)
    action = request.POST.get("action")
    if not (view.manage or (view.mentor and action in MENTOR_ACTIONS)):
        raise PermissionDenied
    try:
        _apply_action(request, duo, action)
    except ValidationError as exc:
        messages_from(request, exc)
    return redirect("duos:duo_detail", uuid=duo.uuid)


def _apply_action(request: HttpRequest, duo: Duo, action: str | None) -> None:
    if action == "introduction":
        form = IntroductionForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Give the date of the introduction meeting."))
        duo = services.duo_plan_introduction(
            request.user, duo=duo, on=form.cleaned_data["introduction_on"]
        )
        messages.success(request, _("Introduction meeting planned."))
    elif action == "introduction_held":
        duo = services.duo_mark_introduction_held(request.user, duo=duo)
        messages.success(request, _("The introduction meeting took place."))
    elif action in ("agree_mentee", "agree_mentor"):
        duo = services.duo_record_agreement(
            request.user, duo=duo, side=action.removeprefix("agree_")
        )
        messages.success(request, _("Agreement recorded."))
    elif action == "start_override":
        duo = services.duo_start_override(
            request.user, duo=duo, reason=request.POST.get("reason", "")
        )
    elif action == "decline":
        form = DeclineForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Say why the duo was declined."))
        services.duo_decline(request.user, duo=duo, reason=form.cleaned_data["reason"])
        messages.success(request, _("Declined; the mentee is back in the pool."))
        return
    else:
        raise ValidationError(_("Unknown action."))
    if duo.status == Duo.Status.ACTIVE:
        messages.success(request, _("The duo has started."))


@role_required(Role.COORDINATOR)
def duo_close(request: HttpRequest, uuid) -> HttpResponse:
    duo, _view = access.duo_or_deny(request.user, uuid, may="manage")
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
                qualification_gained=data["qualification_gained"],
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


@role_required(Role.COORDINATOR)
@require_POST
def duo_coach(request: HttpRequest, uuid) -> HttpResponse:
    duo, _view = access.duo_or_deny(request.user, uuid, may="manage")
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
