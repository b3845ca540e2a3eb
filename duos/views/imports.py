"""Every import from the coordinator's browser, one set of views for all kinds
(participants, employment-service outcomes, historical duos): upload →
preview → confirm, and the template to start from. DESIGN.md "Public formats".

Only coordinators of the programme: outsiders get 404, other members 403.
The upload is refused at once when it is not a readable table (too big, not
an Excel or CSV file, a sheet wider or longer than we read, empty, header
only); row errors are shown on the preview, which offers "Confirm import"
only when there are none. Each URL keeps its name; ``kind`` comes from the
URL pattern.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duos import access
from duos.imports import flow, history, jobs, outcomes, participants, reader
from duos.imports.rows import ImportRejected
from duos.models import DataImport, ImportKind
from programmes.access import role_required
from programmes.exports import table_response
from programmes.models import Role

ROWS_SHOWN = jobs.ROWS_KEPT  # the preview lists this many rows; the counts cover them all
RECENT_UPLOADS = 10
FOOTNOTE = gettext_lazy(
    "CSV files must be saved as UTF-8 (in Excel: “CSV UTF-8”), separated by commas or "
    "semicolons. In an Excel file, only the first sheet is read."
)


@dataclass(frozen=True)
class Screen:
    """The pages of one kind of import: its texts and its URL names."""

    importer: flow.Importer
    column_help: list[flow.ColumnHelp]
    title: str
    intro: str
    about_columns: str
    url: str  # the prefix of its URL names: <url>_upload, <url>_preview, ...
    groups: dict[str, str]  # summary group → label
    row_headers: tuple[str, ...]
    updated: str  # what an update is called ("updated", "corrected")
    done: str  # the message after the import, with created / updated / unchanged
    done_groups: tuple[str, ...]
    template_file: str
    template_urls: tuple[str, str]  # the URL names of the CSV and the XLSX template
    nested: bool = False  # its preview URLs carry the programme's uuid too
    footnote: str = FOOTNOTE


SCREENS = {
    ImportKind.PARTICIPANTS: Screen(
        importer=participants.IMPORTER,
        column_help=participants.COLUMN_HELP,
        title=gettext_lazy("Import participants"),
        intro=gettext_lazy(
            "Add or update this programme's mentees and mentors from a spreadsheet. You will "
            "see what the import would do before anything is written; if any row has an "
            "error, nothing is imported."
        ),
        about_columns=gettext_lazy(
            "One row per person. Only ref, kind and first_name are required. A reference "
            "identifies a person within the programme: importing a row again updates that "
            "person (only what changed) and never creates a duplicate. An empty cell never "
            "erases what is already recorded."
        ),
        url="import",
        groups={"mentee": gettext_lazy("Mentees"), "mentor": gettext_lazy("Mentors")},
        row_headers=(
            gettext_lazy("Kind"),
            gettext_lazy("Reference"),
            gettext_lazy("Name"),
        ),
        updated=gettext_lazy("updated"),
        done=gettext_lazy(
            "Import done: %(created)s created, %(updated)s updated, %(unchanged)s unchanged."
        ),
        done_groups=("mentee", "mentor"),
        template_file="participants-template",
        template_urls=("import_template_csv", "import_template_xlsx"),
        footnote=gettext_lazy(
            "CSV files must be saved as UTF-8 (in Excel: “CSV UTF-8”), separated by commas or "
            "semicolons. In an Excel file, only the first sheet is read. New people arrive as "
            "applicants, without consent on record: ask for it at the intake interview."
        ),
    ),
    ImportKind.OUTCOMES: Screen(
        importer=outcomes.IMPORTER,
        column_help=outcomes.COLUMN_HELP,
        title=gettext_lazy("Import outcomes (employment service)"),
        intro=gettext_lazy(
            "Record the mentees' situation at exit or at follow-up from the employment "
            "service's spreadsheet. Each row is matched to the mentee with that jobseeker "
            "reference and to their last ended duo in this programme. You will see what the "
            "import would do before anything is written; if any row has an error, nothing is "
            "imported."
        ),
        about_columns=gettext_lazy(
            "One row per mentee and point. jobseeker_ref, point and status are required. "
            "Importing the same row again changes nothing; a different status, contract or "
            "date corrects the recorded outcome (the change is kept in its history). The "
            "source is recorded as “employment service”."
        ),
        url="outcome_import",
        groups={"exit": gettext_lazy("At exit"), "follow_up": gettext_lazy("At follow-up")},
        row_headers=(
            gettext_lazy("Jobseeker reference"),
            gettext_lazy("Mentee"),
            gettext_lazy("Duo ended"),
            gettext_lazy("Point"),
            gettext_lazy("Status"),
        ),
        updated=gettext_lazy("corrected"),
        done=gettext_lazy(
            "Import done: %(created)s outcomes recorded, %(updated)s corrected, "
            "%(unchanged)s unchanged."
        ),
        done_groups=("exit", "follow_up"),
        template_file="outcomes-template",
        template_urls=("outcome_import_template", "outcome_import_template_xlsx"),
        nested=True,
    ),
    ImportKind.DUOS: Screen(
        importer=history.IMPORTER,
        column_help=history.COLUMN_HELP,
        title=gettext_lazy("Import historical duos"),
        intro=gettext_lazy(
            "One row per duo. A duo is identified by its mentee's reference and its start "
            "date: importing the same file again changes nothing, a changed row updates that "
            "duo and its outcomes. You will see what the import would do before anything is "
            "written; if any row has an error, nothing is imported."
        ),
        about_columns=gettext_lazy(
            "An empty cell never erases what is already recorded, and a cell that says what "
            "the last import said leaves alone what was recorded or corrected since (a "
            "mentee's answer, a coordinator's correction)."
        ),
        url="history",
        groups={
            "duo": gettext_lazy("Duos"),
            "exit": gettext_lazy("Outcomes at exit"),
            "follow_up": gettext_lazy("Outcomes at follow-up"),
        },
        row_headers=(
            "mentee_ref",
            "mentor_ref",
            "started_on",
            "ended_on",
            "end_reason",
            "exit_status",
            "follow_up_status",
        ),
        updated=gettext_lazy("updated"),
        done=gettext_lazy(
            "Import done: %(created)s duos created, %(updated)s updated, %(unchanged)s unchanged."
        ),
        done_groups=("duo",),
        template_file="duos-template",
        template_urls=("history_template", "history_template_xlsx"),
    ),
}


class UploadForm(forms.Form):
    """Kept here rather than in forms.py: it only serves these views."""

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
            reader.check_size(size=upload.size, filename=name)  # before reading it
            content = upload.read()
            table = reader.read_table(content=content, filename=name)  # bounded: refuses early
        except reader.SpreadsheetError as exc:
            raise forms.ValidationError(exc.message) from None
        self.content = content
        self.rows = len(table.rows)
        return upload


# --- access ---------------------------------------------------------------------------


def _import_or_deny(request: HttpRequest, kind: str, uuid, import_uuid=None) -> DataImport:
    """The upload of this kind. Under a programme's address (``import_uuid``), only
    that programme's uploads of this kind exist (404 otherwise)."""
    uploads = access.imports_for(request.user).filter(kind=kind)
    if import_uuid is not None:
        programme = access.programme_or_deny(request.user, uuid)
        return get_object_or_404(
            uploads.filter(programme=programme).select_related("programme", "uploaded_by"),
            uuid=import_uuid,
        )
    return access.object_or_deny(
        request.user, uploads.select_related("programme", "uploaded_by"), uuid=uuid
    )


def _preview_url(screen: Screen, data_import: DataImport, page: str = "preview") -> str:
    if screen.nested:
        args = [data_import.programme.uuid, data_import.uuid]
    else:
        args = [data_import.uuid]
    return reverse(f"duos:{screen.url}_{page}", args=args)


# --- pages ------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, uuid, kind: str) -> HttpResponse:
    screen = SCREENS[kind]
    programme = access.programme_or_deny(request.user, uuid)
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid() and jobs.in_background(rows=form.rows):
        # A big file: the request only keeps it; a job checks it (progress on the page).
        data_import = jobs.check_start(
            request.user,
            screen.importer,
            programme=programme,
            filename=form.cleaned_data["file"].name,
            content=form.content,
            rows=form.rows,
        )
        return redirect(_preview_url(screen, data_import))
    if posted and form.is_valid():
        data_import = flow.upload_create(
            request.user,
            screen.importer,
            programme=programme,
            filename=form.cleaned_data["file"].name,
            content=form.content,
        )
        return redirect(_preview_url(screen, data_import))
    recent = programme.imports.filter(kind=kind).select_related("uploaded_by", "programme")
    help_rows = screen.column_help
    context = {
        "programme": programme,
        "screen": screen,
        "form": form,
        "help": help_rows,
        "help_has_who": any(row.who for row in help_rows),
        "templates": [
            reverse(f"duos:{name}", args=[programme.uuid]) for name in screen.template_urls
        ],
        "recent": [(item, _preview_url(screen, item)) for item in recent[:RECENT_UPLOADS]],
    }
    return render(request, "duos/import_upload.html", context, status=400 if form.errors else 200)


@role_required(Role.COORDINATOR)
@require_GET
def preview(request: HttpRequest, uuid, kind: str, import_uuid=None) -> HttpResponse:
    screen = SCREENS[kind]
    data_import = _import_or_deny(request, kind, uuid, import_uuid)
    context = {
        "data_import": data_import,
        "programme": data_import.programme,
        "screen": screen,
        "upload_url": reverse(f"duos:{screen.url}_upload", args=[data_import.programme.uuid]),
        "confirm_url": _preview_url(screen, data_import, "confirm"),
    }
    if data_import.applied_at is None and data_import.state != jobs.UPLOADED:
        context |= _job_context(screen, data_import)
        summary = context.pop("counts")
    elif data_import.applied_at is None:
        result = flow.upload_preview(screen.importer, data_import=data_import)
        summary = result.summary()
        context |= {
            "preview": result,
            "rows": [_row(screen, jobs.kept_row(row)) for row in result.rows[:ROWS_SHOWN]],
            "rows_hidden": max(0, len(result.rows) - ROWS_SHOWN),
        }
    else:
        summary = data_import.summary
    context["summary"] = [(label, summary.get(group, {})) for group, label in screen.groups.items()]
    return render(request, "duos/import_preview.html", context)


def _job_context(screen: Screen, data_import: DataImport) -> dict:
    """A big import's page: its job's progress, or the preview the job kept."""
    state = data_import.state
    context = {"job": {"state": state, "running": state in jobs.RUNNING}, "counts": {}}
    if state == jobs.READY:
        kept = data_import.summary.get("preview", {})
        rows = [_row(screen, row) for row in kept.get("rows", [])]
        context |= {
            "preview": {
                "errors": kept.get("errors", []),
                "warnings": kept.get("warnings", []),
                "ok": not kept.get("errors_total"),
            },
            "rows": rows,
            "rows_hidden": max(0, kept.get("rows_total", 0) - len(rows)),
            "counts": kept.get("counts", {}),
        }
    return context


def _row(screen: Screen, kept: dict) -> dict:
    """One row of the preview (``jobs.kept_row``), as the template shows it."""
    actions = {"new": _("new"), "unchanged": _("unchanged")}
    return {
        "line": kept["line"],
        "cells": kept["cells"],
        "action": actions.get(kept["action"], screen.updated),
        "changes": "; ".join(f"{name}: {old} → {new}" for name, old, new in kept["changes"]),
    }


def _total(summary: dict, groups: tuple[str, ...], key: str) -> int:
    return sum(summary.get(group, {}).get(key, 0) for group in groups)


@role_required(Role.COORDINATOR)
@require_POST
def confirm(request: HttpRequest, uuid, kind: str, import_uuid=None) -> HttpResponse:
    screen = SCREENS[kind]
    data_import = _import_or_deny(request, kind, uuid, import_uuid)
    back = redirect(_preview_url(screen, data_import))
    if data_import.state != jobs.UPLOADED and data_import.applied_at is None:
        # A big import: the job writes every row, or none; the page shows its progress.
        if jobs.apply_start(request.user, data_import=data_import):
            messages.info(request, _("The import runs in the background; this page follows it."))
        return back
    try:
        result = flow.upload_confirm(request.user, screen.importer, data_import=data_import)
    except ImportRejected as exc:
        messages.error(request, _("Nothing was imported:") + " " + " ".join(exc.errors[:3]))
        return back
    if result.already_applied:
        messages.info(request, _("This file was already imported; nothing changed this time."))
    else:
        keys = ("created", "updated", "unchanged")
        totals = {key: _total(result.summary, screen.done_groups, key) for key in keys}
        messages.success(request, screen.done % totals)
    return back


@role_required(Role.COORDINATOR)
@require_GET
def template(request: HttpRequest, uuid, kind: str, fmt: str) -> HttpResponse:
    screen = SCREENS[kind]
    access.programme_or_deny(request.user, uuid)
    return table_response(filename=screen.template_file, fmt=fmt, **screen.importer.template())
