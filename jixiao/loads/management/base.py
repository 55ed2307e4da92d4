"""What the four `load_*` commands share: read the file, plan (dry run) or load it, report, exit non-zero
on failure."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jixiao.loads.models import LoadKind
from jixiao.loads.parsing import MAX_COMMAND_BYTES, LoadRefused, read_bytes
from jixiao.loads.services import load_file, plan_file


class LoadCommand(BaseCommand):
    kind: str

    @property
    def help(self):
        return (
            f"加载{LoadKind(self.kind).label}（.xlsx 或 CSV，UTF-8/GBK）。整份文件要么全部加载，要么一项也不写入，"
            "有错误时以非零状态退出。--dry-run 只列出将新增、变更和未变的条数，不写入；--json 以 JSON 输出结果。"
        )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--dry-run", action="store_true", help="只预览，不写入")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出结果")

    def handle(self, *args, file, dry_run, as_json, **options):
        path = Path(file)
        try:
            with path.open("rb") as handle:
                data = read_bytes(handle, MAX_COMMAND_BYTES)
        except OSError as exc:
            raise CommandError(f"无法读取文件 {file}：{exc.strerror}") from exc
        except LoadRefused as exc:
            self._fail(file, exc.problems, as_json)
        if dry_run:
            outcome = plan_file(kind=self.kind, filename=path.name, data=data)
            if not outcome.ok:
                self._fail(file, outcome.problems, as_json)
            counts, diff = outcome.plan.counts, outcome.plan.diff()
        else:
            try:
                run = load_file(kind=self.kind, filename=path.name, data=data)
            except LoadRefused as exc:
                self._fail(file, exc.problems, as_json)
            counts, diff = run.counts, run.diff
        extra = {} if dry_run else self.loaded(run)
        if as_json:
            result = {
                "file": file,
                "ok": True,
                "dry_run": dry_run,
                "counts": counts,
                **diff,
                **extra,
                "errors": [],
            }
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        note = "（试运行，未写入）" if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"✔ {file}：新增 {counts['created']} 条，变更 {counts['changed']} 条，未变 {counts['unchanged']} 条{note}"
            )
        )
        for line in diff.get("notes", []):
            self.stdout.write(f"    {line}")
        for line in self.loaded_lines(extra):
            self.stdout.write(line)

    def loaded(self, run) -> dict:
        """What a loader adds to the report of a load (nothing by default)."""
        return {}

    def loaded_lines(self, extra: dict) -> list[str]:
        return []

    def _fail(self, file, problems, as_json):
        if as_json:
            result = {"file": file, "ok": False, "errors": [p.as_dict() for p in problems]}
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            self.stderr.write(self.style.ERROR(f"✘ {file}：未加载"))
            for problem in problems[:200]:
                self.stderr.write(f"    {problem}")
        raise CommandError(f"{file} 有 {len(problems)} 处问题，整份未加载。")
