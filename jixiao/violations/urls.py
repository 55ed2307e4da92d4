from django.urls import path

from jixiao.violations import views

app_name = "violations"

urlpatterns = [
    path("", views.case_list, name="index"),
    path("export/", views.case_export, name="export"),
    path("new/", views.case_register, name="register"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/<str:action>/", views.case_act, name="act"),
]
