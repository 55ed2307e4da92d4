from django.urls import path

from jixiao.review import views

app_name = "review"

urlpatterns = [
    path("", views.review_index, name="index"),
    path("<int:cycle_pk>/supervision/", views.supervision_workbench, name="supervision"),
    path("<int:cycle_pk>/supervision/units/<int:unit_pk>/", views.supervision_unit, name="supervision_unit"),
    path("<int:cycle_pk>/counterpart/", views.counterpart_workbench, name="counterpart"),
    path("feedback/<int:pk>/", views.feedback_detail, name="feedback"),
    path("feedback/<int:pk>/projects/", views.feedback_project_search, name="feedback_projects"),
    path("feedback/<int:pk>/export.xlsx", views.feedback_xlsx_download, name="feedback_xlsx"),
    path("feedback/<int:pk>/export.docx", views.feedback_docx_download, name="feedback_docx"),
]
