from django.urls import path

from duos.views import duo as views
from duos.views import imports as views_import
from duos.views import matching as views_matching
from duos.views import outcomes as views_outcomes
from duos.views import people as views_intake
from duos.views import programme as views_programme
from duos.views import public as views_public
from duos.views import rights as views_rights
from duos.views import workspace as views_workspace

app_name = "duos"

urlpatterns = [
    path("apply/<slug:slug>/thanks/", views_public.apply_thanks, name="apply_thanks"),
    path("apply/<slug:slug>/<str:kind>/", views_public.apply, name="apply"),
    path("programmes/<uuid:uuid>/", views_programme.programme_overview, name="programme"),
    path("programmes/<uuid:uuid>/training/", views_intake.training_list, name="training_list"),
    path("training/<uuid:uuid>/", views_intake.training_detail, name="training_detail"),
    path("mentees/", views_intake.mentee_list, name="mentee_list"),
    path("mentors/", views_intake.mentor_list, name="mentor_list"),
    path("mentors/<uuid:uuid>/account/", views_intake.mentor_account, name="mentor_account"),
    path("duos/", views.duo_list, name="duo_list"),
    path("duos/<uuid:uuid>/", views.duo_detail, name="duo_detail"),
    path("duos/<uuid:uuid>/action/", views_matching.duo_action, name="duo_action"),
    path("duos/<uuid:uuid>/meetings/", views_workspace.meeting_log, name="meeting_log"),
    path("duos/<uuid:uuid>/concern/", views_workspace.concern_raise, name="concern_raise"),
    path("duos/<uuid:uuid>/check-in/", views_workspace.check_in, name="check_in"),
    path("meetings/<uuid:uuid>/edit/", views_workspace.meeting_edit, name="meeting_edit"),
    path("concerns/<uuid:uuid>/handle/", views_workspace.concern_handle, name="concern_handle"),
    path("duos/<uuid:uuid>/close/", views_matching.duo_close, name="duo_close"),
    path("duos/<uuid:uuid>/coach/", views_matching.duo_coach, name="duo_coach"),
    path(
        "mentees/<uuid:uuid>/suggestions/",
        views_matching.mentee_suggestions,
        name="mentee_suggestions",
    ),
    path(
        "mentees/<uuid:uuid>/propose/<uuid:mentor_uuid>/",
        views_matching.propose,
        name="propose",
    ),
    path("programmes/<uuid:uuid>/matching/", views_matching.programme_matching, name="matching"),
    path("programmes/<uuid:uuid>/weights/", views_matching.weights_edit, name="weights"),
    path("matching/<uuid:uuid>/", views_matching.matching_run, name="matching_run"),
    path("matching/<uuid:uuid>/resolve/", views_matching.run_resolve, name="run_resolve"),
    path("matching/<uuid:uuid>/publish/", views_matching.run_publish, name="run_publish"),
    path(
        "matching/<uuid:uuid>/lock/<uuid:mentee_uuid>/",
        views_matching.draft_lock,
        name="draft_lock",
    ),
    path(
        "matching/<uuid:uuid>/reject/<uuid:mentee_uuid>/",
        views_matching.draft_reject,
        name="draft_reject",
    ),
    path(
        "matching/<uuid:uuid>/unreject/<uuid:mentee_uuid>/<uuid:mentor_uuid>/",
        views_matching.rejection_undo,
        name="rejection_undo",
    ),
    path(
        "matching/<uuid:uuid>/swap/<uuid:mentee_uuid>/",
        views_matching.draft_swap,
        name="draft_swap",
    ),
]

# A person's pages, the same for mentees and mentors.
for kind in ("mentee", "mentor"):
    urlpatterns += [
        path(
            f"{kind}s/<uuid:uuid>/",
            views_intake.person_detail,
            {"kind": kind},
            name=f"{kind}_detail",
        ),
        path(
            f"{kind}s/<uuid:uuid>/screen/",
            views_intake.person_screen,
            {"kind": kind},
            name=f"{kind}_screen",
        ),
        path(
            f"{kind}s/<uuid:uuid>/withdraw/",
            views_intake.person_withdraw,
            {"kind": kind},
            name=f"{kind}_withdraw",
        ),
        path(
            f"{kind}s/<uuid:uuid>/merge/<uuid:other>/",
            views_intake.person_merge,
            {"kind": kind},
            name=f"{kind}_merge",
        ),
        # GDPR rights (issue 14): subject access and consent withdrawal.
        path(
            f"{kind}s/<uuid:uuid>/data/",
            views_rights.person_data,
            {"kind": kind},
            name=f"{kind}_data",
        ),
        path(
            f"{kind}s/<uuid:uuid>/data.json",
            views_rights.person_data_json,
            {"kind": kind},
            name=f"{kind}_data_json",
        ),
        path(
            f"{kind}s/<uuid:uuid>/consent/",
            views_rights.person_consent,
            {"kind": kind},
            name=f"{kind}_consent",
        ),
    ]


# Every import (participants, outcomes, historical duos): one set of views, the
# kind given here; the names and paths are those each import always had.
_IMPORTS = [
    # kind, upload page, template (csv, xlsx), preview (and confirm), name prefixes
    (
        "participants",
        "programmes/<uuid:uuid>/import/",
        ("import_template_csv", "import_template_xlsx"),
        "imports/<uuid:uuid>/",
        "import",
    ),
    (
        "outcomes",
        "programmes/<uuid:uuid>/outcome-import/",
        ("outcome_import_template", "outcome_import_template_xlsx"),
        "programmes/<uuid:uuid>/outcome-import/<uuid:import_uuid>/",
        "outcome_import",
    ),
    (
        "duos",
        "programmes/<uuid:uuid>/history-import/",
        ("history_template", "history_template_xlsx"),
        "history-imports/<uuid:uuid>/",
        "history",
    ),
]
for kind, start, (csv_name, xlsx_name), preview, prefix in _IMPORTS:
    urlpatterns += [
        path(start, views_import.upload, {"kind": kind}, name=f"{prefix}_upload"),
        path(
            f"{start}template.csv",
            views_import.template,
            {"kind": kind, "fmt": "csv"},
            name=csv_name,
        ),
        path(
            f"{start}template.xlsx",
            views_import.template,
            {"kind": kind, "fmt": "xlsx"},
            name=xlsx_name,
        ),
        path(preview, views_import.preview, {"kind": kind}, name=f"{prefix}_preview"),
        path(
            f"{preview}confirm/",
            views_import.confirm,
            {"kind": kind},
            name=f"{prefix}_confirm",
        ),
    ]


urlpatterns += [
    path(
        "duos/<uuid:uuid>/outcomes/<str:point>/",
        views_outcomes.outcome_edit,
        name="outcome_edit",
    ),
    path("follow-up/<str:token>/", views_outcomes.follow_up_answer, name="follow_up_answer"),
    path("duos/<uuid:uuid>/follow-up/send/", views_outcomes.follow_up_send, name="follow_up_send"),
    path(
        "follow-up-answers/<uuid:uuid>/decide/",
        views_outcomes.follow_up_decide,
        name="follow_up_decide",
    ),
]
