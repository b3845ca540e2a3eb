"""Outcomes: the coordinator records or corrects a duo's outcome at a point
(with its change history); the mentee answers the follow-up question through
the link in their e-mail (no sign-in); the employment service's spreadsheet is
imported (upload → preview → confirm).

Coordinator pages: coordinators of the duo's programme only; outsiders get
404, other members of the programme 403, anonymous visitors the sign-in page.
The mentee's page knows the mentee by the link's token only: an unknown token
is a 404, a used or expired one a friendly 410.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from auditlog.models import LogEntry
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from duos import access, selectors, services
from duos.forms import qualification_field, qualification_initial
from duos.models import ContractType, Duo, Outcome, OutcomeSource, contract_problem
from duos.services import follow_up
from duos.services.outcomes import KEEP_QUALIFICATION
from duos.views.common import add_errors, messages_from
from programmes.access import public, role_required
from programmes.forms import choose_one
from programmes.models import Role
from programmes.validators import TEXT_LIMIT

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OutcomeForm(forms.Form):
    """Kept here rather than in forms.py: it only serves this view."""

    status = forms.ChoiceField(
        label=gettext_lazy("Situation"), choices=choose_one(Outcome.Status.choices)
    )
    contract_type = forms.ChoiceField(
        label=gettext_lazy("Contract (if employed)"),
        choices=[("", "—"), *ContractType.choices],
        required=False,
    )
    date = forms.DateField(
        label=gettext_lazy("Date"),
        widget=DATE_INPUT,
        required=False,
        help_text=gettext_lazy("Empty: the end of the duo (exit) or the follow-up date."),
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Source"),
        choices=choose_one(OutcomeSource.choices),
    )
    note = forms.CharField(
        max_length=TEXT_LIMIT,
        label=gettext_lazy("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    qualification_gained = qualification_field()

    def __init__(self, *args, point: str = Outcome.Point.EXIT, **kwargs):
        super().__init__(*args, **kwargs)
        if point != Outcome.Point.EXIT:  # ESF+ asks it upon leaving only
            del self.fields["qualification_gained"]

    def clean(self):
        data = super().clean()
        problem = contract_problem(
            status=data.get("status", ""), contract_type=data.get("contract_type", "")
        )
        if problem:
            self.add_error("contract_type", capfirst(problem) + ".")
        return data


def _default_date(duo: Duo, point: str) -> dt.date | None:
    return duo.ended_on if point == Outcome.Point.EXIT else services.follow_up_date(duo)


def _unchanged(outcome: Outcome | None, data: dict, date: dt.date | None) -> bool:
    if outcome is None:
        return False
    return (
        outcome.status == data["status"]
        and outcome.contract_type == data["contract_type"]
        and outcome.date == date
        and outcome.source == data["source"]
        and outcome.note == data["note"].strip()
        and data.get("qualification_gained", KEEP_QUALIFICATION)
        in (KEEP_QUALIFICATION, outcome.qualification_gained)
    )


@dataclass(frozen=True)
class Change:
    label: str
    old: object
    new: object


@dataclass(frozen=True)
class HistoryEntry:
    timestamp: dt.datetime
    actor: str
    action: str
    changes: list[Change]


HIDDEN_FIELDS = {"id", "uuid", "created_at", "updated_at", "duo", "recorded_by"}


ACTIONS = {
    LogEntry.Action.CREATE: gettext_lazy("recorded"),
    LogEntry.Action.UPDATE: gettext_lazy("corrected"),
    LogEntry.Action.DELETE: gettext_lazy("deleted"),
}


def _shown(field, value):
    if value in (None, "None", ""):
        return "—"
    if field.choices:
        return dict(field.choices).get(value, value)
    if field.get_internal_type() == "DateField":
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            return value
    return value


def _actor(entry: LogEntry) -> str:
    if entry.actor is not None:
        return entry.actor.get_full_name() or entry.actor.email
    return entry.actor_email or _("nobody signed in (the mentee's link or an automatic job)")


def outcome_history(outcome: Outcome | None) -> list[HistoryEntry]:
    """The outcome's audit trail, newest first: who, when, which fields (old → new)."""
    if outcome is None:
        return []
    entries = LogEntry.objects.get_for_object(outcome).select_related("actor").order_by("-pk")
    history = []
    for entry in entries:
        changes = []
        for name, values in entry.changes_dict.items():
            if name in HIDDEN_FIELDS:
                continue
            field = Outcome._meta.get_field(name)
            old, new = (list(values) + [None, None])[:2]
            old, new = _shown(field, old), _shown(field, new)
            if old != new:  # "" → "" on creation says nothing
                changes.append(Change(str(capfirst(field.verbose_name)), old, new))
        history.append(
            HistoryEntry(
                timestamp=entry.timestamp,
                actor=_actor(entry),
                action=str(ACTIONS.get(entry.action, "")),
                changes=changes,
            )
        )
    return history


def _initial(outcome: Outcome | None, default_date: dt.date | None) -> dict:
    if outcome is None:
        return {"date": default_date}
    fields = ("status", "contract_type", "date", "source", "note")
    initial = {name: getattr(outcome, name) for name in fields}
    return initial | {"qualification_gained": qualification_initial(outcome.qualification_gained)}


def _save(request: HttpRequest, *, duo: Duo, point: str, outcome, form, default_date) -> bool:
    """Record or correct through the service; False when the form got its errors."""
    data = form.cleaned_data
    if _unchanged(outcome, data, data["date"] or default_date):
        messages.info(request, _("Nothing changed."))
        return True
    try:
        services.outcome_record(
            request.user,
            duo=duo,
            point=point,
            status=data["status"],
            source=data["source"],
            date=data["date"],
            contract_type=data["contract_type"],
            note=data["note"],
            qualification_gained=data.get("qualification_gained", KEEP_QUALIFICATION),
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return False
    if outcome is None:
        messages.success(request, _("Outcome recorded."))
    else:
        messages.success(request, _("Outcome corrected; the change is kept in its history."))
    return True


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def outcome_edit(request: HttpRequest, uuid, point: str) -> HttpResponse:
    if point not in Outcome.Point.values:
        raise Http404
    duo, _view = access.duo_or_deny(request.user, uuid, may="manage")
    if duo.status != Duo.Status.ENDED:
        messages.error(request, _("Outcomes are recorded once the duo has ended."))
        return redirect("duos:duo_detail", uuid=duo.uuid)
    outcome = duo.outcomes.filter(point=point).select_related("recorded_by").first()
    default_date = _default_date(duo, point)
    form = OutcomeForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(outcome, default_date),
        point=point,
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(
            request, duo=duo, point=point, outcome=outcome, form=form, default_date=default_date
        )
        if saved:
            return redirect("duos:duo_detail", uuid=duo.uuid)
    context = {
        "duo": duo,
        "point": point,
        "point_label": Outcome.Point(point).label,
        "outcome": outcome,
        "default_date": default_date,
        "form": form,
        "history": outcome_history(outcome),
        "pending_answer": selectors.pending_answer(duo)
        if point == Outcome.Point.FOLLOW_UP
        else None,
    }
    return render(request, "duos/outcome_edit.html", context, status=400 if form.errors else 200)


@role_required(Role.COORDINATOR)
@require_POST
def follow_up_send(request: HttpRequest, uuid) -> HttpResponse:
    """From the to-do: e-mail the follow-up question to the mentee now."""
    duo, _view = access.duo_or_deny(request.user, uuid, may="manage")
    try:
        follow_up.follow_up_send_now(request.user, duo=duo)
    except ValidationError as exc:
        messages_from(request, exc)
    else:
        messages.success(
            request, _("The follow-up question was sent to %(name)s.") % {"name": duo.mentee}
        )
    return redirect("home")


@role_required(Role.COORDINATOR)
@require_POST
def follow_up_decide(request: HttpRequest, uuid) -> HttpResponse:
    """Keep the recorded follow-up outcome, or take the mentee's own answer."""
    answer = access.object_or_deny(
        request.user, access.follow_up_requests_for(request.user), uuid=uuid
    )
    try:
        follow_up.follow_up_answer_decide(
            request.user, request=answer, use_answer=request.POST.get("use") == "answer"
        )
    except ValidationError as exc:
        messages_from(request, exc)
    else:
        messages.success(request, _("Decided; the follow-up outcome is settled."))
    return redirect("duos:outcome_edit", uuid=answer.duo.uuid, point=Outcome.Point.FOLLOW_UP)


ANSWER_LABELS = {
    Outcome.Status.EMPLOYED: gettext_lazy("I have a job"),
    Outcome.Status.SELF_EMPLOYED: gettext_lazy("I work for myself (self-employed)"),
    Outcome.Status.TRAINING: gettext_lazy("I am following a training course"),
    Outcome.Status.STUDIES: gettext_lazy("I am studying"),
    Outcome.Status.INTERNSHIP: gettext_lazy("I am doing an internship"),
    Outcome.Status.STILL_SEARCHING: gettext_lazy("I am still looking for work"),
    Outcome.Status.INACTIVE: gettext_lazy(
        "Other: I am not looking for work at the moment (illness, care for someone, a move…)"
    ),
}


class FollowUpAnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("What is your situation today?"),
        choices=[(status, ANSWER_LABELS[status]) for status in follow_up.ANSWERS],
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose the answer that fits you best."),
            "invalid_choice": gettext_lazy("Choose one of the answers below."),
        },
    )


def _page_language(request: HttpRequest, preferred: str) -> str:
    """The language the visitor chose on the site, else the mentee's e-mail language."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in dict(settings.LANGUAGES):
        return chosen
    return preferred


def _private(response: HttpResponse, language: str) -> HttpResponse:
    response["Content-Language"] = language
    # The token is in the address: no other site may see it in a Referer. Not
    # "no-referrer", which makes browsers post the answer with "Origin: null"
    # and Django's CSRF check refuse it.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@public
@never_cache
@require_http_methods(["GET", "POST"])
def follow_up_answer(request: HttpRequest, token: str) -> HttpResponse:
    found = follow_up.request_for_token(token)
    if found is None:
        raise Http404
    duo = found.request.duo
    language = _page_language(request, duo.mentee.contact_language)
    context = {"first_name": duo.mentee.first_name, "programme_name": duo.programme.name}
    with translation.override(language):
        if found.closed:
            response = _closed(request, context, found.closed)
        else:
            response = _question(request, token, context)
    return _private(response, language)


def _question(request: HttpRequest, token: str, context: dict) -> HttpResponse:
    """The question, the thank-you page after a valid answer, or the question again."""
    form = FollowUpAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up.follow_up_answer(token=token, status=form.cleaned_data["status"])
        except follow_up.FollowUpClosed as exc:  # a double submit: the first one counted
            return _closed(request, context, exc.reason)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return render(request, "duos/follow_up_thanks.html", context)
    return render(
        request,
        "duos/follow_up_answer.html",
        {**context, "form": form},
        status=400 if form.errors else 200,
    )


def _closed(request: HttpRequest, context: dict, reason: str) -> HttpResponse:
    return render(request, "duos/follow_up_closed.html", {**context, "reason": reason}, status=410)
