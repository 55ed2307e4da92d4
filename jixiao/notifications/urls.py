from django.urls import path

from jixiao.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_index, name="index"),
    path("read/", views.notification_mark_read, name="mark_read"),
]
