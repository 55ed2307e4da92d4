from django.urls import path

from jixiao.loads import views

app_name = "loads"

urlpatterns = [
    path("", views.load_index, name="index"),
    path("templates/<str:kind>.<str:extension>", views.load_template, name="template"),
    path("upload/", views.load_upload, name="upload"),
    path("<int:pk>/", views.load_detail, name="detail"),
    path("<int:pk>/columns/", views.load_columns, name="columns"),
    path("<int:pk>/progress/", views.load_progress, name="progress"),
    path("<int:pk>/confirm/", views.load_confirm_view, name="confirm"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
]
