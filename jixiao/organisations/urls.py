from django.urls import path

from jixiao.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.unit_index, name="unit_list"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
]
