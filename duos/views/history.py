"""The historical duo import from the coordinator's browser: upload → preview →
confirm (the same rules as ``manage.py import_duos``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from duos import access
from duos.imports import history as history_import
from duos.imports.flow import upload_arguments
from duos.models import DataImport, ImportKind
from duos.views.imports import ParticipantUploadForm
from programmes.access import coordinated_programmes, get_or_deny
from programmes.exports import table_response

DONE = gettext_lazy(
    "Import done: %(created)s duos created, %(updated)s updated, %(unchanged)s unchanged."
)


def _programme(request: HttpRequest, uuid):
    return get_or_deny(
        allowed=coordinated_programmes(request.user),
        related=access.related_programmes(request.user),
        uuid=uuid,
    )


def _upload(request: HttpRequest, uuid) -> DataImport:
    return get_or_deny(
        allowed=DataImport.objects.filter(
            kind=ImportKind.DUOS, programme__in=coordinated_programmes(request.user).values("pk")
        ).select_related("programme"),
        related=DataImport.objects.filter(
            programme__in=access.related_programmes(request.user).values("pk")
        ),
        uuid=uuid,
    )


@login_required
def history_upload(request: HttpRequest, uuid) -> HttpResponse:
    programme = _programme(request, uuid)
    form = ParticipantUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        upload = history_import.upload_create_duos(
            request.user,
            programme=programme,
            filename=form.cleaned_data["file"].name,
            content=form.content,
        )
        return redirect("duos:history_preview", uuid=upload.uuid)
    return render(
        request,
        "duos/history_upload.html",
        {"programme": programme, "form": form, "columns": history_import.COLUMNS},
        status=400 if form.errors else 200,
    )


@login_required
def history_preview(request: HttpRequest, uuid) -> HttpResponse:
    upload = _upload(request, uuid)
    args = upload_arguments(upload)
    try:
        preview, errors = history_import.preview_file(**args), []
    except history_import.ImportRejected as exc:
        preview, errors = None, exc.errors
    return render(
        request,
        "duos/history_preview.html",
        {"upload": upload, "preview": preview, "errors": errors},
    )


@login_required
@require_POST
def history_confirm(request: HttpRequest, uuid) -> HttpResponse:
    upload = _upload(request, uuid)
    try:
        result = history_import.upload_confirm_duos(request.user, data_import=upload)
    except history_import.ImportRejected as exc:
        for error in exc.errors[:20]:
            messages.error(request, error)
        return redirect("duos:history_preview", uuid=upload.uuid)
    if result.already_applied:
        messages.info(request, _("This file was already imported; nothing changed this time."))
    else:
        messages.success(request, DONE % result.summary)
    return redirect("duos:programme", uuid=upload.programme.uuid)


@login_required
def history_template(request: HttpRequest, uuid) -> HttpResponse:
    _programme(request, uuid)
    rows = [
        [
            "ME-0001",
            "MR-0001",
            "2024-02-05",
            "2024-08-05",
            "completed",
            "employed",
            "permanent",
            "employed",
            "permanent",
        ],
        ["ME-0002", "MR-0001", "2025-09-01", "", "", "", "", "", ""],
    ]
    return table_response(
        header=list(history_import.COLUMNS), rows=rows, filename="duos-template", fmt="csv"
    )
