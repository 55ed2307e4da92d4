from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "jixiao.oversight"
    verbose_name = "监督检查"
