"""Dashboards for coordinators (full figures), funders and evaluators (suppressed)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from duos.access import related_programmes
from programmes.access import (
    fundings_visible_to,
    get_or_deny,
    programmes_for,
    role_required,
    sees_full_figures,
)
from programmes.exports import table_response
from programmes.models import AccessRecord, Programme, Role
from programmes.services import access_record

from reporting.dashboard import Period, chart_bars, dashboard
from reporting.models import RateSnapshot
from reporting.rates import GROUPS, STATUSES, last_duos
from reporting.research_export import build_export, export_response

DASHBOARD_ROLES = [Role.COORDINATOR, Role.FUNDER, Role.EVALUATOR]


def _programmes(request: HttpRequest):
    return programmes_for(request.user, DASHBOARD_ROLES)


def _number(value: str, *, digits: int) -> bool:
    """A number of at most ``digits`` ASCII digits (``int()`` takes "١٢", and the
    database no integer of 25 digits)."""
    return value.isascii() and value.isdigit() and len(value) <= digits


def _period(request: HttpRequest) -> Period:
    def year(name):
        value = request.GET.get(name, "")
        return int(value) if _number(value, digits=4) and 1990 <= int(value) <= 2100 else None

    return Period(year("from"), year("to"))


@role_required(*DASHBOARD_ROLES)
def dashboard_list(request: HttpRequest) -> HttpResponse:
    programmes = _programmes(request).select_related("operator").order_by("name")
    return render(request, "reporting/dashboard_list.html", {"programmes": programmes})


def _programme_and_scope(request: HttpRequest, uuid) -> tuple[Programme, bool]:
    """The programme, and whether the reader sees its figures in full."""
    programme = get_or_deny(
        allowed=_programmes(request).select_related("operator"),
        related=related_programmes(request.user),
        uuid=uuid,
    )
    return programme, sees_full_figures(request.user, programme)


@role_required(*DASHBOARD_ROLES)
def programme_dashboard(request: HttpRequest, uuid) -> HttpResponse:
    programme, full = _programme_and_scope(request, uuid)
    snapshot = RateSnapshot.objects.filter(programme=programme).order_by("-version").first()
    period = _period(request)
    context = {
        "programme": programme,
        "snapshot": snapshot,
        "suppress": not full,
        "period": period,
        "can_export_research": programmes_for(request.user, [Role.EVALUATOR, Role.COORDINATOR])
        .filter(pk=programme.pk)
        .exists(),
    }
    if snapshot is not None:
        fundings = fundings_visible_to(request.user, programme)
        data = dashboard(snapshot, period, full=full, fundings=fundings)
        if request.GET.get("format") in ("csv", "xlsx"):
            return _export(request, programme, snapshot, data, full)
        context |= data
        context["chart"] = chart_bars(data["series"])
    context["query"] = request.GET.urlencode()
    return render(request, "reporting/dashboard.html", context)


def _export(request, programme, snapshot, data, full) -> HttpResponse:
    """The period's table as CSV or XLSX: values for coordinators, the suppressed
    text (never a value) for funders and evaluators."""
    fmt = request.GET["format"]
    header = ["programme", "period", "point", "denominator", "n", *STATUSES]
    header += [f"rate_{g}" for g in GROUPS] + ["unknown_share", "provisional", "computed_at"]
    period = f"{request.GET.get('from', '')}-{request.GET.get('to', '')}".strip("-") or "all"
    stamp = snapshot.computed_at.isoformat(timespec="seconds")

    def shown(cell):
        return cell.value if full else cell.text

    rows = []
    for fig in data["table"]:
        values = [shown(fig.n), *(shown(fig.counts[s]) for s in STATUSES)]
        values += [shown(fig.rates[g]) for g in GROUPS]
        values += [shown(fig.unknown_share), fig.provisional, stamp]
        rows.append([programme.slug, period, fig.point, fig.denominator, *values])
    access_record(
        request.user,
        what=AccessRecord.What.FIGURES_EXPORT,
        programme=programme,
        filters={
            **request.GET.dict(),
            "suppressed": not full,
            "snapshot_version": snapshot.version,
        },
        rows=len(rows),
        fmt=fmt,
    )
    return table_response(header=header, rows=rows, filename=f"{programme.slug}-figures", fmt=fmt)


@role_required(Role.COORDINATOR)
def drill_down(request: HttpRequest, uuid) -> HttpResponse:
    """Coordinators only: the trajectories behind a number (their last duos)."""
    programme, full = _programme_and_scope(request, uuid)
    if not full:
        raise PermissionDenied
    duos = last_duos(programme).select_related("mentee", "mentor").order_by("-ended_on")
    cohort = request.GET.get("cohort", "")
    if _number(cohort, digits=4) and int(cohort) >= 1:  # a year (year 0 does not exist)
        duos = duos.filter(cohort=int(cohort))
    if request.GET.get("denominator") == "completed":
        duos = duos.filter(end_reason__in=["completed", "goal_reached"])
    point = (
        request.GET.get("point") if request.GET.get("point") in ("exit", "follow_up") else "exit"
    )
    status = request.GET.get("status", "")
    if status in STATUSES:
        duos = duos.filter(**{f"{point}_status": status})
    page = Paginator(duos, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/drill_down.html",
        {"programme": programme, "page": page, "point": point, "status": status, "cohort": cohort},
    )


@role_required(Role.EVALUATOR, Role.COORDINATOR)
def research_export(request: HttpRequest, uuid) -> HttpResponse:
    """Evaluators (granted the programme) and its coordinators: the pseudonymised,
    k-anonymous duo-level export with its codebook and method, logged. CSV comes
    as a ZIP (data.csv, codebook.csv, method.csv, README.txt); Excel as one
    workbook (sheets data, codebook, method)."""
    allowed = programmes_for(request.user, [Role.EVALUATOR, Role.COORDINATOR])
    programme = get_or_deny(allowed=allowed, related=related_programmes(request.user), uuid=uuid)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    export = build_export(programme=programme)
    access_record(
        request.user,
        what=AccessRecord.What.RESEARCH_EXPORT,
        programme=programme,
        filters=request.GET.dict(),
        rows=len(export.rows),
        fmt=fmt,
    )
    return export_response(export, fmt=fmt)
