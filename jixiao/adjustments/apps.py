from django.apps import AppConfig


class AdjustmentsConfig(AppConfig):
    name = "jixiao.adjustments"
    verbose_name = "绩效目标调整"
