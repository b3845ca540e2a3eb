from django.urls import path

from .signin import views as signin_views
from .views import setup, team

app_name = "programmes"

urlpatterns = [
    path("team/", team.team, name="team"),
    path("team/<uuid:uuid>/revoke/", team.membership_revoke, name="membership_revoke"),
    path("programmes/", setup.programme_list, name="programme_list"),
    path("programmes/new/", setup.programme_create, name="programme_create"),
    path("programmes/<uuid:uuid>/rules/", setup.programme_edit, name="programme_edit"),
    path("programmes/<uuid:uuid>/fundings/", setup.fundings, name="fundings"),
    path(
        "programmes/<uuid:uuid>/organisations/new/",
        setup.organisation_create,
        name="organisation_create",
    ),
    path("fundings/<uuid:uuid>/", setup.funding_edit, name="funding_edit"),
    path("accounts/security/", signin_views.security, name="security"),
    path("accounts/profile/", signin_views.profile, name="profile"),
    path("accounts/language/", signin_views.language, name="language"),
    path(
        "accounts/security/sign-out-everywhere/",
        signin_views.sign_out_everywhere,
        name="sign_out_everywhere",
    ),
]
