from django.urls import path

from jixiao.scores import views

app_name = "scores"

urlpatterns = [
    path("", views.score_index, name="index"),
    path("cycles/<int:cycle_pk>/", views.score_cycle, name="cycle"),
    path("cycles/<int:cycle_pk>/export/", views.score_export, name="export"),
    path("cycles/<int:cycle_pk>/scheme/", views.scheme_edit, name="scheme"),
    path("cycles/<int:cycle_pk>/units/<int:unit_pk>/", views.unit_breakdown, name="unit"),
]
