from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "jixiao.funding"
    verbose_name = "拨款控制"
