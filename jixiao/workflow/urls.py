from django.urls import path

from jixiao.workflow import views

app_name = "workflow"

urlpatterns = [
    path("", views.workflow_index, name="index"),
    path("<int:cycle_pk>/units/<int:unit_pk>/", views.package_detail, name="package"),
    path("notifications/", views.notification_index, name="notifications"),
]
