"""The ESF+ common indicators of a programme for a period (``reporting.esf``):
in full for its coordinators, suppressed for the funders and evaluators granted it."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duos.access import related_programmes
from programmes.access import get_or_deny, programmes_for, role_required, sees_full_figures
from programmes.exports import table_response
from programmes.models import AccessRecord, Programme, Role
from programmes.services import access_record
from reporting import esf

ESF_ROLES = [Role.COORDINATOR, Role.FUNDER, Role.EVALUATOR]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """A calendar year, or a period from one date to another (both given).

    Funders and evaluators (``full=False``) choose whole calendar years only:
    with free dates, two periods a day apart would give one participant's
    counts back by subtraction, whatever each page hides."""

    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, full: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.full = full
        if not full:
            del self.fields["start"], self.fields["end"]

    def clean(self):
        data = super().clean()
        if not self.full and (self.data.get("start") or self.data.get("end")):
            raise forms.ValidationError(
                _("Funders and evaluators see these figures by calendar year: choose a year.")
            )
        start, end = data.get("start"), data.get("end")
        if self.errors:
            return data
        if start or end:
            if not (start and end):
                raise forms.ValidationError(_("Give both dates of the period, or a year."))
            if start > end:
                raise forms.ValidationError(_("The period must start on or before its end."))
            if start.year < 1990 or end.year > 2100:
                raise forms.ValidationError(_("Choose dates between 1990 and 2100."))
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        """The period asked for; the current year when none was."""
        data = self.cleaned_data
        if data.get("start") and data.get("end"):
            return data["start"], data["end"]
        year = data.get("year") or timezone.localdate().year
        return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _programme_and_scope(request: HttpRequest, uuid) -> tuple[Programme, bool]:
    """As the dashboard decides it: the programme if the reader may see its
    figures (404 to outsiders, 403 to members without the right), and whether
    they see them in full (its coordinators) or suppressed."""
    programme = get_or_deny(
        allowed=programmes_for(request.user, ESF_ROLES).select_related("operator"),
        related=related_programmes(request.user),
        uuid=uuid,
    )
    return programme, sees_full_figures(request.user, programme)


@role_required(*ESF_ROLES)
def esf_indicators(request: HttpRequest, uuid) -> HttpResponse:
    programme, full = _programme_and_scope(request, uuid)
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
        "genders": esf.GENDERS,
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
