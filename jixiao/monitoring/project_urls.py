from django.urls import path

from jixiao.monitoring import project_views as views

# The project pages keep the `projects` namespace: they show projects, composed with their monitoring.
app_name = "projects"

urlpatterns = [
    path("", views.project_index, name="project_list"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
]
