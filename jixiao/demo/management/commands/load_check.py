"""`manage.py load_check`: compares what the load's clients saw acknowledged with the database; exits
non-zero on any loss, double or unknown outcome."""

import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jixiao.demo.load.check import check_load


class Command(BaseCommand):
    help = "核对截止日压测：每次确认的保存和报送/撤回恰好存储一次。"

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="load_prepare 写出的压测计划")
        parser.add_argument("--acks", required=True, help="压测客户端记录的确认日志（每行一个 JSON）")
        parser.add_argument("--stats", help="locust --csv 写出的 *_stats.csv：打印吞吐量、p50、p95 和失败数")

    def handle(self, *args, plan, acks, stats, **options):
        failures = self._print_stats(Path(stats)) if stats else 0
        prepared = json.loads(Path(plan).read_text(encoding="utf-8"))
        lines = Path(acks).read_text(encoding="utf-8").splitlines() if Path(acks).exists() else []
        counts, problems = check_load(
            plan=prepared, acknowledgements=[json.loads(line) for line in lines if line]
        )
        self.stdout.write(
            f"核对：确认保存 {counts['saves']} 次，报送 {counts['submits']} 次，撤回 {counts['withdraws']} 次，"
            f"被拒绝 {counts['refused']} 次，结果不明 {counts['unknown']} 次。"
        )
        if counts["saves"] == 0:
            problems.append("没有任何确认的保存：压测没有真正运行。")
        if failures:
            problems.append(f"压测中有 {failures} 次请求失败。")
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"核对未通过：{len(problems)} 处丢失、重复或结果不明。")
        self.stdout.write("核对通过：每次确认的保存和报送都恰好存储一次。")

    def _print_stats(self, path: Path) -> int:
        """Each request kind and the whole load: requests, failures, req/s, p50 and p95 (ms); the failures."""
        with path.open(encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
        for row in rows:
            self.stdout.write(
                f"{row['Name'] or row['Type']:<12} 请求 {row['Request Count']:>6}  失败 {row['Failure Count']:>4}  "
                f"{float(row['Requests/s']):6.1f} 次/秒  p50 {row['50%']:>5} ms  p95 {row['95%']:>5} ms"
            )
        total = next(row for row in rows if row["Name"] == "Aggregated")
        return int(total["Failure Count"])
