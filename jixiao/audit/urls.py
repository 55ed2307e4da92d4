from django.urls import path

from jixiao.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_index, name="audit_list"),
]
