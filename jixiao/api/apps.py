from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jixiao.api"
    verbose_name = "数据接口"

    def ready(self):
        from jixiao.api import schema  # noqa: F401  (registers the token scheme with the schema generator)
