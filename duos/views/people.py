"""The coordinator's intake work: lists with filters and exports, a person's
page with their history, screening, withdrawal, merging, mentor training."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duos import access, selectors, services
from duos.filters import MenteeFilter, MentorFilter
from duos.forms import (
    AttendanceForm,
    MenteeScreeningForm,
    ScreeningForm,
    TrainingSessionForm,
    WithdrawForm,
)
from duos.models import Mentor, PipelineStatus
from duos.services import intake, trail
from duos.views.common import KINDS, add_errors, filtered_list, messages_from
from programmes.access import role_required
from programmes.exports import table_response
from programmes.models import Role


@role_required(Role.COORDINATOR)
def mentee_list(request: HttpRequest) -> HttpResponse:
    mentees = selectors.mentee_list_for(request.user)
    filterset = MenteeFilter(request.GET or None, queryset=mentees, request=request)
    return filtered_list(
        request,
        filterset=filterset,
        template="duos/mentee_list.html",
        export=lambda qs, fmt: table_response(
            filename="mentees", fmt=fmt, **selectors.participant_table(qs, kind="mentee")
        ),
    )


@role_required(Role.COORDINATOR)
def mentor_list(request: HttpRequest) -> HttpResponse:
    mentors = selectors.mentor_list_for(request.user)
    filterset = MentorFilter(request.GET or None, queryset=mentors, request=request)
    return filtered_list(
        request,
        filterset=filterset,
        template="duos/mentor_list.html",
        export=lambda qs, fmt: table_response(
            filename="mentors", fmt=fmt, **selectors.participant_table(qs, kind="mentor")
        ),
    )


@role_required(Role.COORDINATOR)
def person_detail(request: HttpRequest, kind: str, uuid) -> HttpResponse:
    person = access.person_or_deny(request.user, KINDS[kind], uuid)
    trail.person_viewed(request.user, person=person, where=trail.Where.of(request))
    context = selectors.person_history(person)
    if access.sees_trail(request.user, person):
        context["trail"] = selectors.person_trail(person)
        context["changes"] = selectors.person_changes(person)
    context.update(
        {
            "person": person,
            "kind": kind,
            "duplicates": intake.likely_duplicates(person),
            "checks": intake.checks_for(person, on=timezone.localdate()),
            "screening_form": (MenteeScreeningForm if kind == "mentee" else ScreeningForm)(
                person=person
            ),
            "withdraw_form": WithdrawForm(),
        }
    )
    return render(request, "duos/person_detail.html", context)


def _screened_message(person, kind: str) -> str:
    """What the screening led to, in words ("… is screened: screened." said nothing)."""
    if person.status == PipelineStatus.READY and kind == "mentee":
        return _("%(name)s is screened and now waits for a mentor.") % {"name": person}
    if person.status == PipelineStatus.READY:
        return _("%(name)s is screened and available as a mentor.") % {"name": person}
    return _("%(name)s is screened, not ready yet: see the checks below.") % {"name": person}


@role_required(Role.COORDINATOR)
def person_screen(request: HttpRequest, kind: str, uuid) -> HttpResponse:
    person = access.person_or_deny(request.user, KINDS[kind], uuid)
    form_class = MenteeScreeningForm if kind == "mentee" else ScreeningForm
    form = form_class(request.POST if request.method == "POST" else None, person=person)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            intake.participant_screen(
                request.user,
                person=person,
                interviewed_on=data.pop("interviewed_on"),
                notes=data.pop("notes"),
                override_reason=data.pop("override_reason"),
                situation=data,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            person.refresh_from_db()
            messages.success(request, _screened_message(person, kind))
            return redirect(f"duos:{kind}_detail", uuid=person.uuid)
    checks = intake.checks_for(person, on=timezone.localdate())
    return render(
        request,
        "duos/person_screen.html",
        {"person": person, "kind": kind, "form": form, "checks": checks},
        status=400 if form.errors else 200,
    )


@role_required(Role.COORDINATOR)
@require_POST
def person_withdraw(request: HttpRequest, kind: str, uuid) -> HttpResponse:
    person = access.person_or_deny(request.user, KINDS[kind], uuid)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            intake.participant_withdraw(
                request.user, person=person, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("%(name)s has withdrawn.") % {"name": person})
        except ValidationError as exc:
            messages_from(request, exc)
    else:
        messages.error(request, _("Say why they withdraw."))
    return redirect(f"duos:{kind}_detail", uuid=person.uuid)


@role_required(Role.COORDINATOR)
@require_POST
def person_merge(request: HttpRequest, kind: str, uuid, other) -> HttpResponse:
    keep = access.person_or_deny(request.user, KINDS[kind], uuid)
    duplicate = access.person_or_deny(request.user, KINDS[kind], other)
    try:
        intake.participant_merge(request.user, keep=keep, duplicate=duplicate)
        messages.success(request, _("The duplicate was merged into this record."))
    except ValidationError as exc:
        messages_from(request, exc)
    return redirect(f"duos:{kind}_detail", uuid=keep.uuid)


@role_required(Role.COORDINATOR)
def training_list(request: HttpRequest, uuid) -> HttpResponse:
    programme = access.programme_or_deny(request.user, uuid)
    form = TrainingSessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        session = intake.training_session_create(
            request.user, programme=programme, **form.cleaned_data
        )
        messages.success(request, _("Training session created."))
        return redirect("duos:training_detail", uuid=session.uuid)
    sessions = selectors.training_sessions_of(programme)
    return render(
        request,
        "duos/training_list.html",
        {"programme": programme, "form": form, "sessions": sessions},
        status=400 if form.errors else 200,
    )


@role_required(Role.COORDINATOR)
def training_detail(request: HttpRequest, uuid) -> HttpResponse:
    session = access.object_or_deny(
        request.user,
        access.training_sessions_for(request.user).select_related("programme"),
        uuid=uuid,
    )
    # Mentors still to mentor (not done or withdrawn), and whoever is already
    # recorded as attending.
    candidates = (
        session.programme.mentors.filter(
            ~Q(status__in=[PipelineStatus.DONE, PipelineStatus.WITHDRAWN])
            | Q(attendance__session=session, attendance__attended=True)
        )
        .distinct()
        .order_by("last_name", "first_name")
    )
    attended = list(session.attendance.filter(attended=True).values_list("mentor_id", flat=True))
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        mentors=candidates,
        initial={"mentors": attended},
    )
    if request.method == "POST" and form.is_valid():
        try:
            intake.training_attendance_record(
                request.user, session=session, attended=list(form.cleaned_data["mentors"])
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Attendance recorded."))
            return redirect("duos:training_detail", uuid=session.uuid)
    return render(
        request,
        "duos/training_detail.html",
        {"session": session, "form": form},
        status=400 if form.errors else 200,
    )


@role_required(Role.COORDINATOR)
@require_POST
def mentor_account(request: HttpRequest, uuid) -> HttpResponse:
    """Coordinators give a mentor an account (invitation) or take it away."""
    mentor = access.person_or_deny(request.user, Mentor, uuid)
    try:
        if request.POST.get("action") == "revoke":
            services.mentor_account_revoke(request.user, mentor=mentor)
            messages.success(request, _("%(mentor)s no longer has access.") % {"mentor": mentor})
        else:
            services.mentor_account_invite(
                request.user, mentor=mentor, request_base=settings.SITE_URL
            )
            messages.success(
                request,
                _("%(mentor)s is invited; the e-mail went to %(email)s.")
                % {"mentor": mentor, "email": mentor.email},
            )
    except ValidationError as exc:
        messages_from(request, exc)
    return redirect("duos:mentor_detail", uuid=mentor.uuid)
