from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "jixiao.jobs"
    verbose_name = "后台任务"

    def ready(self):
        # Each app declares its kinds of background job in its own `jobs.py`.
        autodiscover_modules("jobs")
