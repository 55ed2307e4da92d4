from django.urls import path

from jixiao.adjustments import views

app_name = "adjustments"

urlpatterns = [
    path("", views.adjustment_index, name="index"),
    path("projects/<int:project_pk>/new/", views.adjustment_new, name="new"),
    path("<int:pk>/", views.adjustment_detail, name="detail"),
    path("<int:pk>/edit/", views.adjustment_edit, name="edit"),
    path("<int:pk>/submit/", views.adjustment_submit_view, name="submit"),
    path("<int:pk>/approve/", views.adjustment_approve_view, name="approve"),
    path("<int:pk>/refuse/", views.adjustment_refuse_view, name="refuse"),
]
