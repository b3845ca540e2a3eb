"""Funders' yearly reports: the list of a programme's published reports, the
coordinators' publish form, and the PDF and XLSX downloads (drawn from the
frozen data of the report, never from today's figures)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from duos.access import related_programmes
from programmes.access import coordinated_programmes, get_or_deny, role_required
from programmes.exports import XLSX_TYPE
from programmes.forms import add_errors
from programmes.models import AccessRecord, Programme, Role
from programmes.services import access_record
from reporting.models import PublishedReport
from reporting.reports.forms import PublishForm
from reporting.reports.pdf import render_pdf
from reporting.reports.publish import report_publish
from reporting.reports.selectors import (
    programme_reports_for,
    publishable_fundings,
    reports_for,
)
from reporting.reports.xlsx import render_xlsx

from .common import programme_for

READERS = [Role.COORDINATOR, Role.FUNDER, Role.EVALUATOR]


def _page(request: HttpRequest, programme: Programme, form: PublishForm | None) -> HttpResponse:
    context = {
        "programme": programme,
        "reports": programme_reports_for(request.user, programme),
        "form": form,
        "has_fundings": form is not None and form.fields["funding"].queryset.exists(),
    }
    return render(
        request, "reporting/reports.html", context, status=400 if form and form.errors else 200
    )


def _form(request: HttpRequest, programme: Programme, data=None) -> PublishForm | None:
    """The publish form, for the programme's coordinators only."""
    if not coordinated_programmes(request.user).filter(pk=programme.pk).exists():
        return None
    return PublishForm(
        data,
        fundings=publishable_fundings(request.user, programme),
        language=translation.get_language(),
    )


@require_GET
@role_required(*READERS)
def report_list(request: HttpRequest, uuid) -> HttpResponse:
    programme = programme_for(request, uuid, READERS)
    return _page(request, programme, _form(request, programme))


@require_POST
@role_required(Role.COORDINATOR)
def report_publish_view(request: HttpRequest, uuid) -> HttpResponse:
    programme = programme_for(request, uuid, [Role.COORDINATOR])
    form = _form(request, programme, request.POST)
    if form.is_valid():
        try:
            report = report_publish(
                request.user,
                programme=programme,
                funding=form.cleaned_data["funding"],
                year=form.cleaned_data["year"],
                language=form.cleaned_data["language"],
                include_esf=form.cleaned_data["include_esf"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Report version %(version)s published.") % {"version": report.version},
            )
            return redirect("reporting:reports", uuid=programme.uuid)
    return _page(request, programme, form)


def _report(request: HttpRequest, uuid) -> PublishedReport:
    return get_or_deny(
        allowed=reports_for(request.user),
        related=PublishedReport.objects.filter(programme__in=related_programmes(request.user)),
        uuid=uuid,
    )


def _download(request: HttpRequest, report: PublishedReport, *, fmt: str) -> HttpResponse:
    access_record(
        request.user,
        what=AccessRecord.What.FIGURES_EXPORT,
        programme=report.programme,
        filters={"report": str(report.uuid), "version": report.version, "year": report.year},
        rows=len(report.data.get("table", [])),
        fmt=fmt,
        ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.headers.get("User-Agent", ""),
    )
    if fmt == "pdf":
        response = HttpResponse(render_pdf(report.data), content_type="application/pdf")
    else:
        response = HttpResponse(render_xlsx(report.data), content_type=XLSX_TYPE)
    name = f"{report.programme.slug}-{report.year}-v{report.version}-{report.language}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@role_required(*READERS)
def report_pdf(request: HttpRequest, uuid) -> HttpResponse:
    return _download(request, _report(request, uuid), fmt="pdf")


@require_GET
@role_required(*READERS)
def report_xlsx(request: HttpRequest, uuid) -> HttpResponse:
    return _download(request, _report(request, uuid), fmt="xlsx")
