from django.urls import path

from jixiao.dispositions import views

app_name = "dispositions"

urlpatterns = [
    path("", views.index, name="index"),
    path("cycles/<int:cycle_pk>/", views.index, name="cycle"),
    path("cycles/<int:cycle_pk>/days/", views.cycle_days, name="cycle_days"),
    path("cycles/<int:cycle_pk>/projects/<int:project_pk>/", views.project_page, name="project"),
    path("cycles/<int:cycle_pk>/projects/<int:project_pk>/panel/", views.project_panel, name="panel"),
    path("cycles/<int:cycle_pk>/projects/<int:project_pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
