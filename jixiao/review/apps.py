from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "jixiao.review"
    verbose_name = "财政审核与整改"
