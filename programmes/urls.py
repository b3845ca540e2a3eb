from django.urls import path

from . import views

app_name = "programmes"

urlpatterns = [
    path("team/", views.team, name="team"),
    path("team/<uuid:uuid>/revoke/", views.membership_revoke, name="membership_revoke"),
]
