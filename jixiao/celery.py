"""The Celery application of production: workers run background jobs, beat runs the daily reminders.

Started with `celery -A jixiao worker` and `celery -A jixiao beat` (README, production). The embedded setup
(`make demo`) needs neither: jobs run in a thread of the web process (`jixiao.jobs.runners`).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")

app = Celery("jixiao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["jixiao.jobs", "jixiao.reminders"])
