from django.urls import path

from jixiao.loads import account_views as views

app_name = "account_loads"

urlpatterns = [
    path("", views.account_load_index, name="index"),
    path("template.<str:extension>", views.account_load_template, name="template"),
    path("upload/", views.account_load_upload, name="upload"),
    path("<int:pk>/", views.account_load_detail, name="detail"),
    path("<int:pk>/confirm/", views.account_load_confirm, name="confirm"),
]
