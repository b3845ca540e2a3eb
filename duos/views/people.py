"""The coordinator's intake work: lists with filters and exports, a person's
page with their history, screening, withdrawal, merging, mentor training."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duos import access, selectors
from duos.filters import DuoFilter, MenteeFilter, MentorFilter
from duos.forms import (
    AttendanceForm,
    MenteeScreeningForm,
    ScreeningForm,
    TrainingSessionForm,
    WithdrawForm,
)
from duos.models import Mentee, Mentor, PipelineStatus, TrainingSession
from duos.services import intake
from programmes.access import coordinated_programmes, get_or_deny
from programmes.exports import table_response
from programmes.models import AccessRecord
from programmes.services import access_record

PAGE_SIZE = 50
KINDS = {"mentee": Mentee, "mentor": Mentor}


def require_coordinator(request: HttpRequest) -> None:
    if not coordinated_programmes(request.user).exists():
        raise PermissionDenied


def person_or_deny(request: HttpRequest, kind: str, uuid) -> Mentee | Mentor:
    model = KINDS[kind]
    scoped = access.mentees_for if model is Mentee else access.mentors_for
    return get_or_deny(
        allowed=scoped(request.user).select_related("programme"),
        related=model.objects.filter(programme__in=access.related_programmes(request.user)),
        uuid=uuid,
    )


def _list(request, *, filterset, template: str, export, decorate=list):
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx") and filterset.is_valid():
        programme = filterset.form.cleaned_data.get("programme")
        access_record(
            request.user,
            what=AccessRecord.What.PARTICIPANT_EXPORT,
            programme=programme,
            filters={
                **request.GET.dict(),
                "list": template.rsplit("/", 1)[-1].removesuffix(".html"),
            },
            rows=filterset.qs.count(),
            fmt=fmt,
        )
        return export(filterset.qs, fmt)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = decorate(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, template, {"filter": filterset, "page": page, "query": query.urlencode()}
    )


@login_required
def mentee_list(request: HttpRequest) -> HttpResponse:
    require_coordinator(request)
    mentees = selectors.mentee_list_for(request.user)
    filterset = MenteeFilter(request.GET or None, queryset=mentees, request=request)
    return _list(
        request,
        filterset=filterset,
        template="duos/mentee_list.html",
        export=lambda qs, fmt: table_response(
            filename="mentees", fmt=fmt, **selectors.participant_table(qs, kind="mentee")
        ),
    )


@login_required
def mentor_list(request: HttpRequest) -> HttpResponse:
    require_coordinator(request)
    mentors = selectors.mentor_list_for(request.user)
    filterset = MentorFilter(request.GET or None, queryset=mentors, request=request)
    return _list(
        request,
        filterset=filterset,
        template="duos/mentor_list.html",
        export=lambda qs, fmt: table_response(
            filename="mentors", fmt=fmt, **selectors.participant_table(qs, kind="mentor")
        ),
    )


def duo_filter_list(request: HttpRequest, duos: QuerySet) -> HttpResponse:
    filterset = DuoFilter(request.GET or None, queryset=duos, request=request)
    return _list(
        request,
        filterset=filterset,
        template="duos/duo_list.html",
        export=lambda qs, fmt: table_response(filename="duos", fmt=fmt, **selectors.duo_table(qs)),
    )


@login_required
def person_detail(request: HttpRequest, kind: str, uuid) -> HttpResponse:
    person = person_or_deny(request, kind, uuid)
    context = selectors.person_history(person)
    context.update(
        {
            "person": person,
            "kind": kind,
            "duplicates": intake.likely_duplicates(person),
            "checks": intake.checks_for(person, on=timezone.localdate()),
            "screening_form": (MenteeScreeningForm if kind == "mentee" else ScreeningForm)(),
            "withdraw_form": WithdrawForm(),
        }
    )
    return render(request, "duos/person_detail.html", context)


@login_required
def person_screen(request: HttpRequest, kind: str, uuid) -> HttpResponse:
    person = person_or_deny(request, kind, uuid)
    form_class = MenteeScreeningForm if kind == "mentee" else ScreeningForm
    form = form_class(request.POST if request.method == "POST" else None)
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
            messages.success(
                request,
                _("%(name)s is screened: %(status)s.")
                % {"name": person, "status": person.get_status_display().lower()},
            )
            return redirect(f"duos:{kind}_detail", uuid=person.uuid)
    checks = intake.checks_for(person, on=timezone.localdate())
    return render(
        request,
        "duos/person_screen.html",
        {"person": person, "kind": kind, "form": form, "checks": checks},
        status=400 if form.errors else 200,
    )


def add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_POST
def person_withdraw(request: HttpRequest, kind: str, uuid) -> HttpResponse:
    person = person_or_deny(request, kind, uuid)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            intake.participant_withdraw(
                request.user, person=person, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("%(name)s has withdrawn.") % {"name": person})
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    else:
        messages.error(request, _("Say why they withdraw."))
    return redirect(f"duos:{kind}_detail", uuid=person.uuid)


@login_required
@require_POST
def person_merge(request: HttpRequest, kind: str, uuid, other) -> HttpResponse:
    keep = person_or_deny(request, kind, uuid)
    duplicate = person_or_deny(request, kind, other)
    try:
        intake.participant_merge(request.user, keep=keep, duplicate=duplicate)
        messages.success(request, _("The duplicate was merged into this record."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(f"duos:{kind}_detail", uuid=keep.uuid)


@login_required
def training_list(request: HttpRequest, uuid) -> HttpResponse:
    programme = get_or_deny(
        allowed=coordinated_programmes(request.user),
        related=access.related_programmes(request.user),
        uuid=uuid,
    )
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


@login_required
def training_detail(request: HttpRequest, uuid) -> HttpResponse:
    session = get_or_deny(
        allowed=TrainingSession.objects.filter(
            programme__in=coordinated_programmes(request.user).values("pk")
        ).select_related("programme"),
        related=TrainingSession.objects.filter(
            programme__in=access.related_programmes(request.user).values("pk")
        ),
        uuid=uuid,
    )
    candidates = session.programme.mentors.exclude(status=PipelineStatus.WITHDRAWN).order_by(
        "last_name", "first_name"
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
