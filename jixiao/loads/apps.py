from django.apps import AppConfig


class LoadsConfig(AppConfig):
    name = "jixiao.loads"
    verbose_name = "数据加载"
