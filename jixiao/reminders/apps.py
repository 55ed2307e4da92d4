from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "jixiao.reminders"
    verbose_name = "提醒"
