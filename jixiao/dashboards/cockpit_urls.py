from django.urls import path

from jixiao.dashboards import cockpit_views

app_name = "cockpit"
urlpatterns = [
    path("", cockpit_views.cockpit_page, name="index"),
    path("charts/<slug:name>/", cockpit_views.cockpit_chart, name="chart"),
    path("export/<slug:name>.xlsx", cockpit_views.cockpit_export, name="export"),
]
