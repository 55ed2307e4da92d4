from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "jixiao.notifications"
    verbose_name = "通知"
