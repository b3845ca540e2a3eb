from django.urls import path

from . import views

app_name = "duos"

urlpatterns = [
    path("programmes/<uuid:uuid>/", views.programme_overview, name="programme"),
    path("programmes/<uuid:uuid>/mentees/", views.mentee_list, name="mentee_list"),
    path("programmes/<uuid:uuid>/mentors/", views.mentor_list, name="mentor_list"),
    path("mentees/<uuid:uuid>/", views.mentee_detail, name="mentee_detail"),
    path("mentors/<uuid:uuid>/account/", views.mentor_account, name="mentor_account"),
    path("duos/", views.duo_list, name="duo_list"),
    path("duos/<uuid:uuid>/", views.duo_detail, name="duo_detail"),
]
