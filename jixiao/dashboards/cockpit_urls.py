from django.urls import path

from jixiao.dashboards import cockpit_views

app_name = "cockpit"
urlpatterns = [
    path("", cockpit_views.cockpit_page, name="index"),
    path("charts/<slug:name>/", cockpit_views.cockpit_chart, name="chart"),
    path("export/<slug:name>.xlsx", cockpit_views.cockpit_export, name="export"),
    path("report/", cockpit_views.district_report_page, name="report"),
    path("report/draft/", cockpit_views.district_report_draft_view, name="report_draft"),
    path("report/upload/", cockpit_views.district_report_upload_view, name="report_upload"),
    path(
        "report/versions/<int:pk>/download/", cockpit_views.district_report_download, name="report_download"
    ),
]
