from django.urls import path

from jixiao.oversight import views

app_name = "oversight"

urlpatterns = [
    path("", views.action_list, name="index"),
    path("new/", views.action_plan, name="plan"),
    path("agencies/", views.agency_index, name="agencies"),
    path(
        "agencies/<int:agency_pk>/projects/<int:project_pk>/remove/",
        views.agency_remove,
        name="agency_remove",
    ),
    path("findings/<int:pk>/rectify/", views.finding_rectify, name="rectify"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("<int:pk>/", views.action_detail, name="detail"),
    path("<int:pk>/edit/", views.action_edit, name="edit"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/<str:name>/", views.action_act, name="act"),
]
