"""Outcomes: the coordinator records or corrects a duo's outcome at a point
(with its change history); the mentee answers the follow-up question through
the link in their e-mail (no sign-in); the employment service's spreadsheet is
imported (upload → preview → confirm).

Coordinator pages: coordinators of the duo's programme only; outsiders get
404, other members of the programme 403, anonymous visitors the sign-in page.
The mentee's page knows the mentee by the link's token only: an unknown token
is a 404, a used or expired one a friendly 410.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duos import access
from duos.imports import outcomes as outcome_import
from duos.imports import reader as spreadsheets
from duos.models import DataImport, ImportKind, Outcome
from programmes.access import coordinated_programmes, get_or_deny
from programmes.exports import table_response
from programmes.models import Programme

ROWS_SHOWN = 1000
RECENT_UPLOADS = 10


class OutcomeUploadForm(forms.Form):
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


def _import_or_deny(request: HttpRequest, uuid, import_uuid) -> DataImport:
    programme = _programme_or_deny(request, uuid)
    data_import = (
        programme.imports.filter(kind=ImportKind.OUTCOMES, uuid=import_uuid)
        .select_related("programme", "uploaded_by")
        .first()
    )
    if data_import is None:
        raise Http404
    return data_import


@login_required
@require_http_methods(["GET", "POST"])
def outcome_import_upload(request: HttpRequest, uuid) -> HttpResponse:
    programme = _programme_or_deny(request, uuid)
    form = OutcomeUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        data_import = outcome_import.data_import_create(
            request.user,
            programme=programme,
            filename=form.cleaned_data["file"].name,
            content=form.content,
        )
        return redirect(
            "duos:outcome_import_preview", uuid=programme.uuid, import_uuid=data_import.uuid
        )
    context = {
        "programme": programme,
        "form": form,
        "codes": {
            "point": Outcome.Point.values,
            "status": Outcome.Status.values,
            "contract": Outcome.Contract.values,
        },
        "recent": programme.imports.filter(kind=ImportKind.OUTCOMES).select_related("uploaded_by")[
            :RECENT_UPLOADS
        ],
    }
    return render(
        request, "duos/outcome_import_upload.html", context, status=400 if form.errors else 200
    )


@login_required
@require_GET
def outcome_import_preview(request: HttpRequest, uuid, import_uuid) -> HttpResponse:
    data_import = _import_or_deny(request, uuid, import_uuid)
    context = {"data_import": data_import, "programme": data_import.programme}
    if data_import.applied_at is None:
        preview = outcome_import.data_import_preview(data_import=data_import)
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
    return render(request, "duos/outcome_import_preview.html", context)


def _total(summary: dict, key: str) -> int:
    return sum(counts.get(key, 0) for counts in summary.values())


@login_required
@require_POST
def outcome_import_confirm(request: HttpRequest, uuid, import_uuid) -> HttpResponse:
    data_import = _import_or_deny(request, uuid, import_uuid)
    back = redirect(
        "duos:outcome_import_preview", uuid=data_import.programme.uuid, import_uuid=data_import.uuid
    )
    try:
        result = outcome_import.data_import_confirm(request.user, data_import=data_import)
    except outcome_import.ImportRejected as exc:
        messages.error(request, _("Nothing was imported:") + " " + " ".join(exc.errors[:3]))
        return back
    if result.already_applied:
        messages.info(request, _("This file was already imported; nothing changed this time."))
    else:
        messages.success(
            request,
            _(
                "Import done: %(created)s outcomes recorded, %(updated)s corrected, "
                "%(unchanged)s unchanged."
            )
            % {key: _total(result.summary, key) for key in ("created", "updated", "unchanged")},
        )
    return back


@login_required
@require_GET
def outcome_import_template(request: HttpRequest, uuid, fmt: str) -> HttpResponse:
    _programme_or_deny(request, uuid)
    return table_response(filename="outcomes-template", fmt=fmt, **outcome_import.template_table())
