"""The coordinator's participant import: upload → preview → confirm, and the
template to start from (DESIGN.md "Public formats" → "Participant import").

Only coordinators of the programme: outsiders get 404, other members 403.
The upload is refused at once when it is not a readable table (too big, not
an Excel or CSV file, empty, header only); row errors are shown on the
preview, which offers "Confirm import" only when there are none.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duos import access
from duos.imports import participants as imports
from duos.imports import reader as spreadsheets
from duos.models import DataImport, EmploymentStatus, Gender, ImportKind
from duos.vocab import SECTORS
from programmes.access import coordinated_programmes, get_or_deny
from programmes.exports import table_response
from programmes.models import EducationLevel, Programme

ROWS_SHOWN = 1000  # the preview lists this many rows; the counts cover them all
RECENT_UPLOADS = 10


class ParticipantUploadForm(forms.Form):
    """Kept here rather than in forms.py: it only serves this view."""

    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (Excel .xlsx or CSV)"),
        help_text=gettext_lazy("Up to 5 MB. The first line holds the column names."),
        allow_empty_file=True,  # so that an empty file gets our message, naming it
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name or "upload"
        try:
            spreadsheets.check_size(size=upload.size, filename=name)  # before reading it
            content = upload.read()
            spreadsheets.read_table(content=content, filename=name)
        except spreadsheets.SpreadsheetError as exc:
            raise forms.ValidationError(exc.message) from None
        self.content = content
        return upload


def _programme_or_deny(request: HttpRequest, uuid) -> Programme:
    return get_or_deny(
        allowed=coordinated_programmes(request.user),
        related=access.related_programmes(request.user),
        uuid=uuid,
    )


def _imports_of(programmes: QuerySet[Programme]) -> QuerySet[DataImport]:
    return DataImport.objects.filter(programme__in=programmes.values("pk"))


def _import_or_deny(request: HttpRequest, uuid) -> DataImport:
    # Only participant imports live here; other kinds get their own pages.
    return get_or_deny(
        allowed=_imports_of(coordinated_programmes(request.user))
        .filter(kind=ImportKind.PARTICIPANTS)
        .select_related("programme", "uploaded_by"),
        related=_imports_of(access.related_programmes(request.user)),
        uuid=uuid,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, uuid) -> HttpResponse:
    programme = _programme_or_deny(request, uuid)
    form = ParticipantUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        data_import = imports.data_import_create(
            request.user,
            programme=programme,
            filename=form.cleaned_data["file"].name,
            content=form.content,
        )
        return redirect("duos:import_preview", uuid=data_import.uuid)
    context = {
        "programme": programme,
        "form": form,
        "codes": _codes(),
        "recent": programme.imports.filter(kind=ImportKind.PARTICIPANTS).select_related(
            "uploaded_by"
        )[:RECENT_UPLOADS],
    }
    return render(request, "duos/import_upload.html", context, status=400 if form.errors else 200)


def _codes() -> dict[str, list[str]]:
    return {
        "gender": Gender.values,
        "education_level": [*EducationLevel.values, "0-2", "3-4", "5-8"],
        "employment_status": EmploymentStatus.values,
        "sectors": [code for code, _label in SECTORS],
    }


@login_required
@require_GET
def import_preview(request: HttpRequest, uuid) -> HttpResponse:
    data_import = _import_or_deny(request, uuid)
    context = {"data_import": data_import, "programme": data_import.programme}
    if data_import.applied_at is None:
        preview = imports.data_import_preview(data_import=data_import)
        context.update(
            {
                "preview": preview,
                "summary": preview.summary(),
                "rows": preview.rows[:ROWS_SHOWN],
                "rows_hidden": max(0, len(preview.rows) - ROWS_SHOWN),
            }
        )
    else:
        context["summary"] = data_import.summary
    return render(request, "duos/import_preview.html", context)


def _total(summary: dict, key: str) -> int:
    return sum(counts.get(key, 0) for counts in summary.values())


@login_required
@require_POST
def import_confirm(request: HttpRequest, uuid) -> HttpResponse:
    data_import = _import_or_deny(request, uuid)
    try:
        result = imports.data_import_confirm(request.user, data_import=data_import)
    except imports.ImportRejected as exc:
        messages.error(request, _("Nothing was imported:") + " " + " ".join(exc.errors[:3]))
        return redirect("duos:import_preview", uuid=data_import.uuid)
    if result.already_applied:
        messages.info(request, _("This file was already imported; nothing changed this time."))
    else:
        messages.success(
            request,
            _("Import done: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {key: _total(result.summary, key) for key in ("created", "updated", "unchanged")},
        )
    return redirect("duos:import_preview", uuid=data_import.uuid)


@login_required
@require_GET
def import_template(request: HttpRequest, uuid, fmt: str) -> HttpResponse:
    _programme_or_deny(request, uuid)
    return table_response(filename="participants-template", fmt=fmt, **imports.template_table())
