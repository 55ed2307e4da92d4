from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from jixiao.core import views as core_views
from jixiao.organisations import views as organisation_views

admin.site.site_header = "预算绩效运行监控系统 · 系统管理"
admin.site.site_title = "系统管理"
admin.site.index_title = "机构、人员与监控周期"

urlpatterns = [
    path("accounts/login/", login_not_required(core_views.LoginView.as_view()), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", organisation_views.PasswordChangeView.as_view(), name="password_change"),
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    # One password page for everyone, so that each change goes through the account service.
    path("admin/password_change/", RedirectView.as_view(pattern_name="password_change")),
    path("admin/", admin.site.urls),
    path("projects/", include("jixiao.monitoring.project_urls")),
    path("cycles/", include("jixiao.monitoring.urls")),
    path("organisations/", include("jixiao.monitoring.unit_urls")),
    path("audit/", include("jixiao.dashboards.audit_urls")),
    path("cockpit/", include("jixiao.dashboards.cockpit_urls")),
    path("workflow/", include("jixiao.workflow.urls")),
    path("notifications/", include("jixiao.notifications.urls")),
    path("jobs/", include("jixiao.jobs.urls")),
    path("review/", include("jixiao.review.urls")),
    path("rectification/", include("jixiao.rectification.urls")),
    path("funding/", include("jixiao.monitoring.funding_urls")),
    path("adjustments/", include("jixiao.adjustments.urls")),
    path("violations/", include("jixiao.violations.urls")),
    path("oversight/", include("jixiao.oversight.urls")),
    path("practices/", include("jixiao.practices.urls")),
    path("scores/", include("jixiao.scores.urls")),
    path("dispositions/", include("jixiao.dispositions.urls")),
    path("funding-list/", include("jixiao.dispositions.funding_list_urls")),
    path("workdays/", include("jixiao.workdays.urls")),
    path("loads/", include("jixiao.loads.urls")),
    path("accounts-load/", include("jixiao.loads.account_urls")),
    path("api/v1/", include("jixiao.api.urls")),
    path("", include("jixiao.dashboards.urls")),
]
