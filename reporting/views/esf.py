"""The ESF+ common indicators of a programme for a period (``reporting.esf``):
in full for its coordinators, suppressed for the funders and evaluators granted it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from programmes.access import role_required
from programmes.exports import table_response
from programmes.models import AccessRecord, Role
from programmes.services import access_record
from reporting import esf
from reporting.forms import PeriodForm

from .common import programme_and_scope

ESF_ROLES = [Role.COORDINATOR, Role.FUNDER, Role.EVALUATOR]


@role_required(*ESF_ROLES)
def esf_indicators(request: HttpRequest, uuid) -> HttpResponse:
    programme, full = programme_and_scope(request, uuid, ESF_ROLES)
    form = PeriodForm(request.GET, full=full)
    context = {
        "programme": programme,
        "form": form,
        "suppress": not full,
        "horizon_warning": esf.horizon_warning(programme),
        "kinds": esf.KINDS,
    }
    if not form.is_valid():
        return render(request, "reporting/esf.html", context, status=400)
    start, end = form.period()
    rows = esf.shown_indicators(
        esf.indicators(programme=programme, start=start, end=end), full=full
    )
    if request.GET.get("format") == "csv":
        return _csv(request, programme=programme, rows=rows, start=start, end=end, full=full)
    query = request.GET.copy()
    query.pop("format", None)
    context |= {
        "start": start,
        "end": end,
        "rows": rows,
        "query": query.urlencode(),
    }
    return render(request, "reporting/esf.html", context)


def _csv(request, *, programme, rows, start, end, full) -> HttpResponse:
    """The table as CSV: values for coordinators, the suppressed text (never a
    value) for funders and evaluators; formula cells neutralised by table_response."""

    def shown(cell):
        return cell.value if full else cell.text

    header = ["programme", "start", "end", "code", "kind", "indicator", "total"]
    header += [*esf.GENDERS, "missing"]
    table = [
        [
            programme.slug,
            start.isoformat(),
            end.isoformat(),
            row.code,
            row.kind,
            str(row.label),
            shown(row.total),
            *(shown(row.by_gender[g]) for g in esf.GENDERS),
            shown(row.missing),
        ]
        for row in rows
    ]
    access_record(
        request.user,
        what=AccessRecord.What.FIGURES_EXPORT,
        programme=programme,
        filters={**request.GET.dict(), "report": "esf", "suppressed": not full},
        rows=len(table),
        fmt="csv",
    )
    return table_response(
        header=header,
        rows=table,
        filename=f"{programme.slug}-esf-{start.isoformat()}-{end.isoformat()}",
        fmt="csv",
    )
