from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "jixiao.practices"
    verbose_name = "可推广经验"
