"""The mentor's meeting log, concerns, coach check-ins and the duo's timeline."""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duos import access, services
from duos.forms import CheckInForm, ConcernForm, MeetingForm, ResolutionForm
from duos.models import Concern, Duo, Meeting
from duos.services import workspace
from duos.views.people import add_errors
from programmes.access import coordinated_programmes, get_or_deny


def meeting_form_for(user, duo: Duo) -> MeetingForm:
    """Today, and the minutes and place this person used last time."""
    last = Meeting.objects.filter(logged_by=user).order_by("-created_at").first()
    return MeetingForm(
        initial={
            "date": timezone.localdate(),
            "minutes": last.minutes if last else 60,
            "mode": last.mode if last else Meeting.Mode.WORKPLACE,
            "client_token": uuidlib.uuid4(),
        },
        prefix=f"duo-{duo.pk}",
    )


def _duo(request: HttpRequest, uuid) -> tuple[Duo, dict]:
    duo = get_or_deny(
        allowed=access.duos_for(request.user).select_related("programme", "mentor", "coach"),
        related=Duo.objects.filter(
            programme__in=access.related_programmes(request.user).values("pk")
        ),
        uuid=uuid,
    )
    roles = {
        "coordinator": coordinated_programmes(request.user).filter(pk=duo.programme_id).exists(),
        "mentor": duo.mentor.user_id == request.user.pk,
        "coach": duo.coach_id == request.user.pk,
    }
    return duo, roles


def _back(request: HttpRequest, duo: Duo):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("duos:duo_detail", uuid=duo.uuid)


@login_required
@require_POST
def meeting_log(request: HttpRequest, uuid) -> HttpResponse:
    duo, roles = _duo(request, uuid)
    if not (roles["mentor"] or roles["coordinator"]):
        raise PermissionDenied
    form = MeetingForm(request.POST, prefix=f"duo-{duo.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_record(
                request.user,
                duo=duo,
                date=data["date"],
                minutes=data["minutes"],
                mode=data["mode"],
                topics=data["topics"],
                note=data["note"],
                client_token=data["client_token"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Meeting of %(date)s with %(name)s saved.")
                % {"date": data["date"].strftime("%d/%m"), "name": duo.mentee.first_name},
            )
            return _back(request, duo)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
    return _back(request, duo)


@login_required
def meeting_edit(request: HttpRequest, uuid) -> HttpResponse:
    meeting = get_or_deny(
        allowed=access.meetings_for(request.user).select_related("duo__mentee", "duo__programme"),
        related=Meeting.objects.filter(
            duo__programme__in=access.related_programmes(request.user).values("pk")
        ),
        uuid=uuid,
    )
    if meeting.logged_by_id != request.user.pk:
        raise PermissionDenied
    form = MeetingForm(
        request.POST if request.method == "POST" else None,
        initial={
            "date": meeting.date,
            "minutes": meeting.minutes,
            "mode": meeting.mode,
            "topics": meeting.topics,
            "note": meeting.note,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_update(
                request.user,
                meeting=meeting,
                date=data["date"],
                minutes=data["minutes"],
                mode=data["mode"],
                topics=data["topics"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Meeting updated."))
            return redirect("duos:duo_detail", uuid=meeting.duo.uuid)
    editable_until = meeting.created_at + dt.timedelta(days=Meeting.EDITABLE_DAYS)
    return render(
        request,
        "duos/meeting_edit.html",
        {"meeting": meeting, "form": form, "editable_until": editable_until},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def concern_raise(request: HttpRequest, uuid) -> HttpResponse:
    duo, roles = _duo(request, uuid)
    if not (roles["mentor"] or roles["coordinator"] or roles["coach"]):
        raise PermissionDenied
    form = ConcernForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say what is going on."))
        workspace.concern_raise(request.user, duo=duo, **form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your concern was sent to the coach and the coordinators."))
    return _back(request, duo)


@login_required
@require_POST
def concern_handle(request: HttpRequest, uuid) -> HttpResponse:
    concern = get_or_deny(
        allowed=Concern.objects.filter(duo__in=access.duos_for(request.user).values("pk")),
        related=Concern.objects.filter(
            duo__programme__in=access.related_programmes(request.user).values("pk")
        ),
        uuid=uuid,
    )
    duo, roles = _duo(request, concern.duo.uuid)
    if not (roles["coordinator"] or roles["coach"]):
        raise PermissionDenied
    form = ResolutionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say how it was handled."))
        workspace.concern_handle(request.user, concern=concern, **form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Concern marked as handled."))
    return _back(request, duo)


@login_required
@require_POST
def check_in(request: HttpRequest, uuid) -> HttpResponse:
    duo, roles = _duo(request, uuid)
    if not (roles["coordinator"] or roles["coach"]):
        raise PermissionDenied
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            workspace.check_in_record(request.user, duo=duo, **form.cleaned_data)
            messages.success(request, _("Check-in saved."))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return _back(request, duo)
