"""资金处理建议清单: its own menu section, so its URLs have their own namespace."""

from django.urls import path

from jixiao.dispositions import views

app_name = "funding_list"

urlpatterns = [
    path("", views.candidates, name="index"),
    path("cycles/<int:cycle_pk>/", views.candidates, name="cycle"),
    path("cycles/<int:cycle_pk>/export/", views.candidates_export, name="export"),
]
