"""What several view modules share: turning service errors into form errors or
messages, and going back where the user came from."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from duos.models import Duo, Mentee, Mentor
from duos.services import trail
from programmes.forms import add_errors  # noqa: F401  (the duos views import it from here)
from programmes.models import AccessRecord
from programmes.services import access_record

PAGE_SIZE = 50
KINDS = {"mentee": Mentee, "mentor": Mentor}


def filtered_list(request, *, filterset, template: str, export, decorate=list):
    """A FilterSet over an already-scoped queryset: a page of it, or the whole
    filtered list as CSV/XLSX (the export is logged: its filters, and the
    people in it when it is small, ``duos.services.trail``)."""
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx") and filterset.is_valid():
        programme = filterset.form.cleaned_data.get("programme")
        where = trail.Where.of(request)
        record = access_record(
            request.user,
            what=AccessRecord.What.PARTICIPANT_EXPORT,
            programme=programme,
            filters={
                **request.GET.dict(),
                "list": template.rsplit("/", 1)[-1].removesuffix(".html"),
            },
            rows=filterset.qs.count(),
            fmt=fmt,
            ip=where.ip,
            user_agent=where.user_agent,
        )
        # A small export also names its people in their trail.
        trail.export_logged(request.user, record=record, queryset=filterset.qs, where=where)
        return export(filterset.qs, fmt)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = decorate(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, template, {"filter": filterset, "page": page, "query": query.urlencode()}
    )


def messages_from(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def form_errors_as_messages(request: HttpRequest, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def back_to_duo(request: HttpRequest, duo: Duo):
    """To ``next`` when it is a page of this site, else to the duo's page."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("duos:duo_detail", uuid=duo.uuid)
