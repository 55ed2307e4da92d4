from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jixiao.reminders.services import reminders_send


class Command(BaseCommand):
    help = "发送截止日期提醒（提前 7、3、1 天及逾期后每天）；每天运行，同一天重复运行不会重复发送。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日期（YYYY-MM-DD）计算，默认今天（北京时间）")

    def handle(self, *args, date: str | None = None, **options):
        today = _parse(date) if date else timezone.localdate()
        summary = reminders_send(today=today)
        self.stdout.write(f"{today:%Y-%m-%d}：{summary}")


def _parse(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期“{text}”格式不对，应为 YYYY-MM-DD。") from exc
