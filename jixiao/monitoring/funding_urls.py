from django.urls import path

from jixiao.monitoring import funding_views as views

# Funding control pages keep the `funding` namespace; they live here because the decision page offers the
# project's stored warnings, which the funding app (below monitoring) does not read.
app_name = "funding"

urlpatterns = [
    path("", views.hold_list, name="holds"),
    path("holds.xlsx", views.hold_list_download, name="holds_export"),
    path("projects/<int:pk>/decide/", views.decide, name="decide"),
]
