from django.urls import path

from .views import dashboard as views_dashboard
from .views import esf as views_esf

app_name = "reporting"

urlpatterns = [
    path("figures/", views_dashboard.dashboard_list, name="dashboard_list"),
    path("figures/<uuid:uuid>/", views_dashboard.programme_dashboard, name="dashboard"),
    path("figures/<uuid:uuid>/trajectories/", views_dashboard.drill_down, name="drill_down"),
    path(
        "figures/<uuid:uuid>/research-export/",
        views_dashboard.research_export,
        name="research_export",
    ),
    path("figures/<uuid:uuid>/esf/", views_esf.esf_indicators, name="esf"),
]
