from django.apps import AppConfig


class DispositionsConfig(AppConfig):
    name = "jixiao.dispositions"
    verbose_name = "红色预警处置"
