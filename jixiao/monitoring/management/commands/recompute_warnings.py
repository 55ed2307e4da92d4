import json as _json
import time

from django.core.management.base import BaseCommand, CommandError

from jixiao.core.memory import peak_rss_mb
from jixiao.monitoring.models import CycleKind, MonitoringCycle
from jixiao.monitoring.recompute import cycle_recompute_warnings


class Command(BaseCommand):
    help = "重新计算一个年度监控周期全部监控分析表的预警（阈值修改后或按需运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, help="年度，如 2026")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出用时、数量和峰值内存")

    def handle(self, *args, cycle, json: bool, **options):
        found = MonitoringCycle.objects.filter(kind=CycleKind.ANNUAL, year=cycle).first()
        if found is None:
            raise CommandError(f"没有 {cycle} 年度的监控周期。")
        started = time.perf_counter()
        stats = cycle_recompute_warnings(found)
        seconds = time.perf_counter() - started
        if json:
            peak_mb = peak_rss_mb()
            self.stdout.write(
                _json.dumps({**vars(stats), "seconds": round(seconds, 3), "peak_mb": round(peak_mb, 1)})
            )
            return
        self.stdout.write(
            f"已重新计算 {stats.reports} 张监控分析表，预警 {stats.warnings} 条，"
            f"其中 {stats.changed} 张的预警有变化，用时 {seconds:.2f} 秒。"
        )
