"""A person's GDPR rights, exercised through the coordinators of their
programme (issue 14): their complete data (subject access: a readable page
and a JSON download, both in the trail) and the withdrawal of their consent
(special-category data only, or all of it: erasure), with a confirmation step.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from duos import access
from duos.forms import ConsentWithdrawForm
from duos.services import consent, subject_access, trail
from duos.views.common import KINDS, messages_from
from programmes.access import role_required
from programmes.models import Role


def _person(request: HttpRequest, kind: str, uuid):
    """The person, for the coordinators of their programme only."""
    person = access.person_or_deny(request.user, KINDS[kind], uuid)
    if not access.sees_trail(request.user, person):
        raise PermissionDenied
    return person


@role_required(Role.COORDINATOR)
def person_data(request: HttpRequest, kind: str, uuid) -> HttpResponse:
    """Everything kept about the person, readable (and printable)."""
    person = _person(request, kind, uuid)
    trail.subject_access_exported(request.user, person=person, where=trail.Where.of(request))
    sections = subject_access.subject_access_sections(person)
    return render(
        request,
        "duos/person_data.html",
        {"person": person, "kind": kind, "sections": sections},
    )


@role_required(Role.COORDINATOR)
def person_data_json(request: HttpRequest, kind: str, uuid) -> HttpResponse:
    """Everything kept about the person, as a JSON download."""
    person = _person(request, kind, uuid)
    trail.subject_access_exported(request.user, person=person, where=trail.Where.of(request))
    data = subject_access.subject_access_json(person)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    filename = f"duo-{kind}-{person.uuid}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(Role.COORDINATOR)
def person_consent(request: HttpRequest, kind: str, uuid) -> HttpResponse:
    """Record a withdrawal of consent: the form asks which one, the second
    step says what will be erased and asks for the confirmation."""
    person = _person(request, kind, uuid)
    form = ConsentWithdrawForm(request.POST or None, person=person)
    confirming = request.method == "POST" and form.is_valid()
    if confirming and form.cleaned_data["confirmed"]:
        try:
            consent.consent_withdraw(request.user, person=person, scope=form.cleaned_data["scope"])
        except ValidationError as exc:
            messages_from(request, exc)
        else:
            messages.success(request, str(_WITHDRAWN[form.cleaned_data["scope"]]))
            return redirect(f"duos:{kind}_detail", uuid=person.uuid)
    return render(
        request,
        "duos/person_consent.html",
        {
            "person": person,
            "kind": kind,
            "form": form,
            "confirming": confirming,
            "scope": form.cleaned_data.get("scope") if confirming else None,
        },
        status=400 if form.errors else 200,
    )


_WITHDRAWN = {
    consent.SPECIAL: _("The special-category data and its consent are erased."),
    consent.ALL: _("The consent is withdrawn: the person's data is erased."),
}
