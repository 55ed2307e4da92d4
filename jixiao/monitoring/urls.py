from django.urls import path

from jixiao.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.cycle_index, name="cycle_list"),
    path("<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("<int:cycle_pk>/projects/<int:project_pk>/", views.report_edit, name="report_edit"),
    path("<int:cycle_pk>/projects/<int:project_pk>/preview/", views.report_preview, name="report_preview"),
    path("<int:cycle_pk>/projects/<int:project_pk>/print/", views.report_print, name="report_print"),
    path("<int:cycle_pk>/projects/<int:project_pk>/export/", views.report_export, name="report_export"),
    path("<int:cycle_pk>/units/<int:unit_pk>/export/", views.unit_export, name="unit_export"),
    path("<int:cycle_pk>/import/", views.report_import, name="report_import"),
]
