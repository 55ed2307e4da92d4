from django.urls import path

from jixiao.workdays import views

app_name = "workdays"

urlpatterns = [
    path("", views.index, name="index"),
    path("set/", views.day_set, name="set"),
    path("<int:pk>/remove/", views.day_remove, name="remove"),
]
