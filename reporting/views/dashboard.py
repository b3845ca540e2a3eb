"""Dashboards for coordinators (full figures), funders and evaluators (suppressed)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

from duos.models import OutcomeStatus
from programmes.access import fundings_visible_to, programmes_for, role_required
from programmes.models import AccessRecord, Programme, Role
from programmes.services import access_record
from reporting.dashboard import chart_bars, dashboard
from reporting.downloads import csv_response, kinds, xlsx_response
from reporting.drill import describe, trajectories
from reporting.forms import dashboard_periods, drill_query
from reporting.models import RateSnapshot
from reporting.research_export import build_export, export_response
from reporting.services import latest_snapshot

from .common import programme_and_scope, programme_for

DASHBOARD_ROLES = [Role.COORDINATOR, Role.FUNDER, Role.EVALUATOR]


@role_required(*DASHBOARD_ROLES)
def dashboard_list(request: HttpRequest) -> HttpResponse:
    programmes = (
        programmes_for(request.user, DASHBOARD_ROLES).select_related("operator").order_by("name")
    )
    return render(request, "reporting/dashboard_list.html", {"programmes": programmes})


@role_required(*DASHBOARD_ROLES)
def programme_dashboard(request: HttpRequest, uuid) -> HttpResponse:
    """The figures of a period of cohorts (?from=&to=), optionally beside another
    (?compare_from=&compare_to=), each suppressed as it would be alone; its
    downloads (?format=csv|xlsx) hold the same cells."""
    programme, full = programme_and_scope(request, uuid, DASHBOARD_ROLES)
    snapshot = latest_snapshot(programme)
    periods = dashboard_periods(request.GET)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx") and periods.errors:
        return HttpResponseBadRequest(" ".join(periods.errors), content_type="text/plain")
    context = {
        "programme": programme,
        "snapshot": snapshot,
        "suppress": not full,
        "drill": full,
        "period": periods.period,
        "compare": periods.compare,
        "errors": periods.errors,
        "can_export_research": programmes_for(request.user, [Role.EVALUATOR, Role.COORDINATOR])
        .filter(pk=programme.pk)
        .exists(),
    }
    if snapshot is not None:
        fundings = list(fundings_visible_to(request.user, programme))
        views = [dashboard(snapshot, periods.period, full=full, fundings=fundings)]
        if periods.compare is not None:
            views.append(dashboard(snapshot, periods.compare, full=full, fundings=()))
        if fmt in ("csv", "xlsx"):
            return _export(
                request, programme=programme, snapshot=snapshot, views=views, full=full, fmt=fmt
            )
        context |= views[0]
        context["columns"] = views
        context["rows"] = _side_by_side(views)
        context["chart"] = chart_bars(views[0]["series"])
    context["query"] = request.GET.urlencode()
    status = 400 if periods.errors else 200
    return render(request, "reporting/dashboard.html", context, status=status)


def _side_by_side(views: list[dict]) -> list[dict]:
    """The main table's rows (point × denominator), each with one figure per
    period shown."""
    return [
        {"point": figs[0].point, "denominator": figs[0].denominator, "figures": list(figs)}
        for figs in zip(*(v["table"] for v in views), strict=True)
    ]


def _export(
    request: HttpRequest,
    *,
    programme: Programme,
    snapshot: RateSnapshot,
    views: list[dict],
    full: bool,
    fmt: str,
) -> HttpResponse:
    """The figures as CSV or XLSX: the screen's cells (values for coordinators, the
    suppressed cells for funders and evaluators)."""
    tables = kinds(views)
    access_record(
        request.user,
        what=AccessRecord.What.FIGURES_EXPORT,
        programme=programme,
        filters={
            **request.GET.dict(),
            "suppressed": not full,
            "snapshot_version": snapshot.version,
        },
        rows=sum(len(t.rows) for t in tables),
        fmt=fmt,
    )
    filename = f"{programme.slug}-figures-v{snapshot.version}"
    if fmt == "xlsx":
        return xlsx_response(
            programme=programme, snapshot=snapshot, tables=tables, full=full, filename=filename
        )
    return csv_response(programme=programme, snapshot=snapshot, tables=tables, filename=filename)


@role_required(Role.COORDINATOR)
def drill_down(request: HttpRequest, uuid) -> HttpResponse:
    """Coordinators only: the trajectories behind a figure (their last duos),
    filtered exactly as the figure counts them."""
    programme, full = programme_and_scope(request, uuid, DASHBOARD_ROLES)
    if not full:
        raise PermissionDenied
    query = drill_query(request.GET)
    duos = trajectories(programme=programme, query=query)
    page = Paginator(duos, 50).get_page(request.GET.get("page"))
    statuses = dict(OutcomeStatus.choices)
    rows = [
        (duo, statuses.get(duo.exit_status, ""), statuses.get(duo.follow_up_status, ""))
        for duo in page.object_list
    ]
    return render(
        request,
        "reporting/drill_down.html",
        {
            "programme": programme,
            "page": page,
            "rows": rows,
            "filters": describe(query),
            "errors": query.errors,
            "query": _without_page(request),  # kept by the pagination links
        },
        status=400 if query.errors else 200,
    )


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@role_required(Role.EVALUATOR, Role.COORDINATOR)
def research_export(request: HttpRequest, uuid) -> HttpResponse:
    """Evaluators (granted the programme) and its coordinators: the pseudonymised,
    k-anonymous duo-level export with its codebook and method, logged. CSV comes
    as a ZIP (data.csv, codebook.csv, method.csv, README.txt); Excel as one
    workbook (sheets data, codebook, method)."""
    programme = programme_for(request, uuid, [Role.EVALUATOR, Role.COORDINATOR])
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
