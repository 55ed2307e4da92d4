from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jixiao.audit"
    verbose_name = "审计"
