from django.urls import path

from .views import dashboard as views_dashboard
from .views import esf as views_esf
from .views import reports as views_reports

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
    path("figures/<uuid:uuid>/reports/", views_reports.report_list, name="reports"),
    path(
        "figures/<uuid:uuid>/reports/publish/",
        views_reports.report_publish_view,
        name="report_publish",
    ),
    path("reports/<uuid:uuid>/report.pdf", views_reports.report_pdf, name="report_pdf"),
    path("reports/<uuid:uuid>/report.xlsx", views_reports.report_xlsx, name="report_xlsx"),
]
