from django.urls import path

from jixiao.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.cycle_index, name="cycle_list"),
    path("<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("<int:cycle_pk>/projects/<int:project_pk>/", views.report_edit, name="report_edit"),
    path("<int:cycle_pk>/projects/<int:project_pk>/preview/", views.report_preview, name="report_preview"),
]
