"""The daily reminders as a Celery task, run by beat in production (the same service as `send_reminders`)."""

from celery import shared_task
from django.utils import timezone

from jixiao.reminders.services import reminders_send


@shared_task(name="jixiao.reminders.send_reminders", ignore_result=True)
def send_reminders() -> str:
    return str(reminders_send(today=timezone.localdate()))
