"""Coordinators set their programmes up in the app: the programme and its
rules, its fundings, and the organisations that fund or study it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from programmes import selectors, services
from programmes.access import coordinated_programmes, role_required
from programmes.forms import (
    FundingForm,
    OrganisationForm,
    ProgrammeForm,
    add_errors,
    programme_initial,
)
from programmes.models import Role


def _render(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    form = context.get("form")
    return render(request, template, context, status=400 if form and form.errors else 200)


@role_required(Role.COORDINATOR)
def programme_list(request: HttpRequest) -> HttpResponse:
    """The programmes the coordinator runs, and where to start a new one."""
    programmes = selectors.programmes_with_operator(coordinated_programmes(request.user))
    return render(
        request,
        "programmes/programme_list.html",
        {
            "programmes": programmes,
            "may_create": selectors.operators_of(request.user).exists(),
        },
    )


@role_required(Role.COORDINATOR)
def programme_create(request: HttpRequest) -> HttpResponse:
    operators = selectors.operators_of(request.user)
    if not operators.exists():
        messages.error(request, _("Only a programme operator's coordinators start programmes."))
        return redirect("programmes:programme_list")
    form = ProgrammeForm(
        request.POST if request.method == "POST" else None,
        operators=operators,
        initial={"training_required": True},
    )
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                request.user, operator=form.cleaned_data["operator"], data=form.values()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("Programme %(name)s created (rules version 1).") % {"name": programme}
            )
            return redirect("duos:programme", uuid=programme.uuid)
    return _render(request, "programmes/programme_form.html", {"form": form, "programme": None})


@role_required(Role.COORDINATOR)
def programme_edit(request: HttpRequest, uuid) -> HttpResponse:
    programme = selectors.programme_to_set_up(request.user, uuid=uuid)
    form = ProgrammeForm(
        request.POST if request.method == "POST" else None, initial=programme_initial(programme)
    )
    if request.method == "POST" and form.is_valid():
        before = services.rules_current(programme, actor=request.user).version
        try:
            programme = services.programme_update(
                request.user, programme=programme, data=form.values()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            after = services.rules_current(programme).version
            if after != before:
                messages.success(
                    request,
                    _(
                        "Saved. The rules are now version %(v)s; running duos keep the "
                        "rules they started under."
                    )
                    % {"v": after},
                )
            else:
                messages.success(request, _("Saved. The rules did not change."))
            return redirect("duos:programme", uuid=programme.uuid)
    return _render(
        request, "programmes/programme_form.html", {"form": form, "programme": programme}
    )


@role_required(Role.COORDINATOR)
def fundings(request: HttpRequest, uuid) -> HttpResponse:
    """The programme's fundings, and a new one."""
    programme = selectors.programme_to_set_up(request.user, uuid=uuid)
    form = FundingForm(
        request.POST if request.method == "POST" else None,
        funders=selectors.funder_organisations(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.funding_save(request.user, programme=programme, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Funding added."))
            return redirect("programmes:fundings", uuid=programme.uuid)
    return _render(
        request,
        "programmes/fundings.html",
        {
            "programme": programme,
            "fundings": selectors.programme_fundings(programme),
            "form": form,
        },
    )


@role_required(Role.COORDINATOR)
def funding_edit(request: HttpRequest, uuid) -> HttpResponse:
    funding = selectors.funding_to_edit(request.user, uuid=uuid)
    programme = funding.programme
    initial = {
        "funder": funding.funder,
        "amount": funding.amount,
        "starts_on": funding.starts_on,
        "ends_on": funding.ends_on,
        "target_duos": funding.target_duos,
    }
    form = FundingForm(
        request.POST if request.method == "POST" else None,
        funders=selectors.funder_organisations(),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.funding_save(
                request.user, programme=programme, funding=funding, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Funding saved."))
            return redirect("programmes:fundings", uuid=programme.uuid)
    return _render(
        request,
        "programmes/funding_form.html",
        {"programme": programme, "funding": funding, "form": form},
    )


@role_required(Role.COORDINATOR)
def organisation_create(request: HttpRequest, uuid) -> HttpResponse:
    """A funder, employment service or research organisation, added from a
    programme's fundings page (and back there afterwards)."""
    programme = selectors.programme_to_set_up(request.user, uuid=uuid)
    form = OrganisationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s added (%(kind)s).")
                % {"name": organisation.name, "kind": organisation.get_kind_display().lower()},
            )
            return redirect("programmes:fundings", uuid=programme.uuid)
    return _render(
        request, "programmes/organisation_form.html", {"programme": programme, "form": form}
    )
