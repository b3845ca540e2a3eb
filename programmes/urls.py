from django.urls import path

from . import views
from .signin import views as signin_views

app_name = "programmes"

urlpatterns = [
    path("team/", views.team, name="team"),
    path("team/<uuid:uuid>/revoke/", views.membership_revoke, name="membership_revoke"),
    path("accounts/security/", signin_views.security, name="security"),
    path(
        "accounts/security/sign-out-everywhere/",
        signin_views.sign_out_everywhere,
        name="sign_out_everywhere",
    ),
]
