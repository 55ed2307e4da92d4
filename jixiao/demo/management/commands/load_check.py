"""`manage.py load_check`: compares what the load's clients saw acknowledged with the database; exits
non-zero on any loss, double or unknown outcome."""

import csv
import json
import re
import statistics
from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jixiao.demo.load.check import check_load


class Command(BaseCommand):
    help = "核对截止日压测：每次确认的保存和报送/撤回恰好存储一次。"

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="load_prepare 写出的压测计划")
        parser.add_argument("--acks", required=True, help="压测客户端记录的确认日志（每行一个 JSON）")
        parser.add_argument("--stats", help="locust --csv 写出的 *_stats.csv：打印吞吐量、p50、p95 和失败数")
        parser.add_argument(
            "--server-log", help="gunicorn 访问日志（格式“方法 路径 状态 毫秒”）：打印各类请求的服务端耗时"
        )

    def handle(self, *args, plan, acks, stats, server_log, **options):
        failures = self._print_stats(Path(stats)) if stats else 0
        if server_log:
            self._print_server_times(Path(server_log))
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

    def _print_server_times(self, path: Path) -> None:
        """Time inside the server per kind of request (the client's time adds the wait for a free worker)."""
        times = defaultdict(list)
        for line in path.read_text(encoding="utf-8").splitlines():
            found = SERVER_LINE.fullmatch(line)
            if found:
                path_kind = next(
                    (label for pattern, label in SERVER_KINDS if pattern.fullmatch(found["path"])), None
                )
                if path_kind:
                    times[f"{found['method']} {path_kind}"].append(int(found["micros"]) / 1000)
        for kind, values in sorted(times.items()):
            values.sort()
            self.stdout.write(
                f"服务端 {kind:<12} {len(values):>6} 次  p50 {statistics.median(values):7.1f} ms  "
                f"p95 {values[int(len(values) * 0.95)]:7.1f} ms"
            )


SERVER_LINE = re.compile(r"(?P<method>GET|POST) (?P<path>\S+) (?P<status>\d{3}) (?P<micros>\d+)")
SERVER_KINDS = [
    (re.compile(r"/cycles/\d+/projects/\d+/"), "附件1"),
    (re.compile(r"/cycles/\d+/projects/\d+/preview/"), "附件1 预览"),
    (re.compile(r"/workflow/\d+/units/\d+/"), "报送页"),
]
