from django.urls import path

from . import views, views_intake, views_public

app_name = "duos"

urlpatterns = [
    path("apply/<slug:slug>/thanks/", views_public.apply_thanks, name="apply_thanks"),
    path("apply/<slug:slug>/<str:kind>/", views_public.apply, name="apply"),
    path("programmes/<uuid:uuid>/", views.programme_overview, name="programme"),
    path("programmes/<uuid:uuid>/training/", views_intake.training_list, name="training_list"),
    path("training/<uuid:uuid>/", views_intake.training_detail, name="training_detail"),
    path("mentees/", views_intake.mentee_list, name="mentee_list"),
    path("mentors/", views_intake.mentor_list, name="mentor_list"),
    path("mentors/<uuid:uuid>/account/", views.mentor_account, name="mentor_account"),
    path("duos/", views.duo_list, name="duo_list"),
    path("duos/<uuid:uuid>/", views.duo_detail, name="duo_detail"),
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
    ]
