"""`manage.py load_prepare`: the accounts and work of the deadline-day load, and the plan locust plays."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jixiao.demo.demo_data import DEMO_PASSWORD
from jixiao.demo.load.prepare import prepare_load


class Command(BaseCommand):
    help = "准备截止日压测：填报人与单位负责人账号、各自的监控分析表和报送材料，写出压测计划。"

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=100, help="压测用户数（十分之一为单位负责人）")
        parser.add_argument("--plan", required=True, help="压测计划（JSON）的写出路径")

    def handle(self, *args, users, plan, **options):
        if users < 2:
            raise CommandError("压测用户数至少为 2（一名填报人、一名单位负责人）。")
        leaders = max(1, round(users / 10))
        try:
            prepared = prepare_load(fillers=users - leaders, leaders=leaders, password=DEMO_PASSWORD)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        Path(plan).parent.mkdir(parents=True, exist_ok=True)
        Path(plan).write_text(json.dumps(prepared, ensure_ascii=False, indent=1), encoding="utf-8")
        self.stdout.write(
            f"压测计划已写入 {plan}：填报人 {len(prepared['fillers'])} 名，单位负责人 {len(prepared['leaders'])} 名。"
        )
