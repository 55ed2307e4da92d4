from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo district (`seed_demo`) and the benchmarks run on it (`bench`); no models of its own."""

    name = "jixiao.demo"
    verbose_name = "演示数据"
