from django.urls import path

from jixiao.practices import views

app_name = "practices"

urlpatterns = [
    path("", views.practice_index, name="index"),
    path("cycles/<int:cycle_pk>/", views.practice_index, name="cycle"),
    path("cycles/<int:cycle_pk>/export/", views.practice_export, name="export"),
    path("cycles/<int:cycle_pk>/candidates/", views.candidate_index, name="candidates"),
    path("reports/<int:pk>/mark/", views.report_mark, name="mark_report"),
    path("explanations/<int:pk>/mark/", views.explanation_mark, name="mark_explanation"),
    path("<int:pk>/unmark/", views.practice_unmark_view, name="unmark"),
]
