from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "jixiao.workdays"
    verbose_name = "工作日"
