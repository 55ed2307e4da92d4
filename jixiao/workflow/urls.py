from django.urls import path

from jixiao.workflow import views

app_name = "workflow"

urlpatterns = [
    path("", views.workflow_index, name="index"),
    path("<int:cycle_pk>/units/<int:unit_pk>/", views.package_detail, name="package"),
    path("<int:cycle_pk>/units/<int:unit_pk>/summary/", views.aggregated_table, name="aggregated_table"),
    path("<int:cycle_pk>/units/<int:unit_pk>/overall-report/", views.overall_report, name="overall_report"),
]
