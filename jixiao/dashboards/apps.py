from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "jixiao.dashboards"
    verbose_name = "工作台"
