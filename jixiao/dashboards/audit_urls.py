from django.urls import path

from jixiao.dashboards import audit_views as views

app_name = "audit"

urlpatterns = [
    path("", views.audit_index, name="audit_list"),
]
