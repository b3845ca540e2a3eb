"""The mentor's meeting log, concerns and coach check-ins on a duo."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duos import access, services
from duos.forms import CheckInForm, ConcernForm, MeetingForm, ResolutionForm
from duos.models import Meeting
from duos.services import workspace
from duos.services.meetings import SameDayMeeting
from duos.views.common import add_errors, back_to_duo, form_errors_as_messages, messages_from
from programmes.access import role_required
from programmes.models import Role

DUO_PEOPLE = (Role.COORDINATOR, Role.COACH, access.MENTOR)


@role_required(Role.COORDINATOR, access.MENTOR)
@require_POST
def meeting_log(request: HttpRequest, uuid) -> HttpResponse:
    duo, _view = access.duo_or_deny(request.user, uuid, may="log_meeting")
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
                same_day_ok=data["same_day_ok"],
            )
        except SameDayMeeting as exc:
            return _confirm_same_day(request, duo, form, exc)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Meeting of %(date)s with %(name)s saved.")
                % {"date": data["date"].strftime("%d/%m"), "name": duo.mentee.first_name},
            )
            return back_to_duo(request, duo)
    form_errors_as_messages(request, form)
    return back_to_duo(request, duo)


def _confirm_same_day(request: HttpRequest, duo, form, exc) -> HttpResponse:
    """Ask before saving a second meeting on the same day; the answer re-posts
    the same form (same one-time token) with the confirmation."""
    return render(
        request,
        "duos/meeting_confirm.html",
        {
            "duo": duo,
            "form": form,
            "message": exc.messages[0],
            "fields": [
                (name, value)
                for name in request.POST
                if name not in ("csrfmiddlewaretoken", f"{form.prefix}-same_day_ok")
                for value in request.POST.getlist(name)
            ],
            "confirm_name": f"{form.prefix}-same_day_ok",
        },
        status=409,
    )


@role_required(*DUO_PEOPLE)
def meeting_edit(request: HttpRequest, uuid) -> HttpResponse:
    meeting = access.object_or_deny(
        request.user,
        access.meetings_for(request.user).select_related("duo__mentee", "duo__programme"),
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


@role_required(*DUO_PEOPLE)
@require_POST
def concern_raise(request: HttpRequest, uuid) -> HttpResponse:
    duo, _view = access.duo_or_deny(request.user, uuid, may="raise_concern")
    form = ConcernForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say what is going on."))
        workspace.concern_raise(request.user, duo=duo, **form.cleaned_data)
    except ValidationError as exc:
        messages_from(request, exc)
    else:
        messages.success(request, _("Your concern was sent to the coach and the coordinators."))
    return back_to_duo(request, duo)


@role_required(Role.COORDINATOR, Role.COACH)
@require_POST
def concern_handle(request: HttpRequest, uuid) -> HttpResponse:
    concern = access.object_or_deny(
        request.user, access.concerns_for(request.user).select_related("duo"), uuid=uuid
    )
    duo, _view = access.duo_or_deny(request.user, concern.duo.uuid, may="handle_concern")
    form = ResolutionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say how it was handled."))
        workspace.concern_handle(request.user, concern=concern, **form.cleaned_data)
    except ValidationError as exc:
        messages_from(request, exc)
    else:
        messages.success(request, _("Concern marked as handled."))
    return back_to_duo(request, duo)


@role_required(Role.COORDINATOR, Role.COACH)
@require_POST
def check_in(request: HttpRequest, uuid) -> HttpResponse:
    duo, _view = access.duo_or_deny(request.user, uuid, may="check_in")
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            workspace.check_in_record(request.user, duo=duo, **form.cleaned_data)
            messages.success(request, _("Check-in saved."))
        except ValidationError as exc:
            messages_from(request, exc)
    else:
        form_errors_as_messages(request, form)
    return back_to_duo(request, duo)
