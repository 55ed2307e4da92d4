from django.urls import path

from jixiao.monitoring import unit_views as views

# The unit pages keep the `organisations` namespace: they show units, composed with their projects' totals.
app_name = "organisations"

urlpatterns = [
    path("", views.unit_index, name="unit_list"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
]
