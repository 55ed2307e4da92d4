from django.urls import path

from jixiao.rectification import views

app_name = "rectification"

urlpatterns = [
    path("", views.rectification_register, name="index"),
    path("export/", views.rectification_register_export, name="export"),
    path("progress/", views.rectification_overview, name="overview"),
    path("cycles/<int:cycle_pk>/", views.rectification_overview, name="cycle"),
    path("feedback/<int:pk>/", views.feedback_rectification, name="feedback"),
    path("new/<slug:kind>/", views.item_new, name="new"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/respond/", views.item_respond, name="respond"),
    path("items/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("items/<int:pk>/start-verification/", views.item_start_verification, name="start_verification"),
    path("items/<int:pk>/verify/", views.item_verify, name="verify"),
    path("items/<int:pk>/send-back/", views.item_send_back, name="send_back"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
]
