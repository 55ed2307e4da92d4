from django.apps import AppConfig


class ViolationsConfig(AppConfig):
    name = "jixiao.violations"
    verbose_name = "违法违规问题"
