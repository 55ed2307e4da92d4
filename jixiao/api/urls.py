from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from jixiao.api import views

app_name = "api"


router = DefaultRouter()
router.include_format_suffixes = False
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("target-versions", views.TargetVersionViewSet, basename="target-version")
router.register("payments", views.PaymentViewSet, basename="payment")
router.register("cycles", views.CycleViewSet, basename="cycle")
router.register("reports", views.ReportViewSet, basename="report")
router.register("packages", views.PackageViewSet, basename="package")
router.register("feedbacks", views.FeedbackViewSet, basename="feedback")
router.register("rectification-items", views.RectificationItemViewSet, basename="rectification-item")
router.register("violations", views.ViolationCaseViewSet, basename="violation")
router.register("goal-adjustments", views.GoalAdjustmentViewSet, basename="goal-adjustment")
router.register("dispositions", views.DispositionViewSet, basename="disposition")
router.register("practices", views.PracticeViewSet, basename="practice")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path(
        "cycles/<int:cycle_pk>/projects/<int:project_pk>/report/",
        views.ReportSaveView.as_view(),
        name="report-save",
    ),
    path(
        "cycles/<int:cycle_pk>/units/<int:unit_pk>/package/<str:action>/",
        views.PackageTransitionView.as_view(),
        name="package-transition",
    ),
    path("loads/<str:kind>/", views.LoadView.as_view(), name="load"),
    path("", include(router.urls)),
    re_path(r"", views.NotFoundView.as_view()),
]
