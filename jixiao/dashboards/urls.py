from django.urls import path

from jixiao.dashboards import views

urlpatterns = [
    path("", views.home, name="home"),
]
