"""`load_projects`, `load_payments`, `load_targets`, `load_organisations`: dry run, JSON, exit status."""

import json

import pytest
from django.core.management import CommandError, call_command

from jixiao.loads.models import LoadRun, LoadStatus
from jixiao.loads.tests.conftest import csv_bytes
from jixiao.projects.models import ProjectMonth

pytestmark = pytest.mark.django_db

HEADER = ["预算年度", "项目编码", "月份", "支付数·财政拨款（元）"]


def test_dry_run_then_load(district, tmp_path, capsys):
    path = tmp_path / "treasury.csv"
    path.write_bytes(csv_bytes([HEADER, [2026, district.project_s1.code, 5, "1000"]], "gbk"))
    call_command("load_payments", str(path), "--dry-run", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] and result["dry_run"] and result["counts"]["created"] == 1
    assert not ProjectMonth.objects.exists() and not LoadRun.objects.exists()

    call_command("load_payments", str(path))
    assert "新增 1 条" in capsys.readouterr().out
    assert ProjectMonth.objects.get().paid_fiscal == 1000
    run = LoadRun.objects.get()
    assert run.status == LoadStatus.APPLIED and run.created_by is None


def test_a_bad_file_exits_non_zero_and_writes_nothing(district, tmp_path, capsys):
    path = tmp_path / "treasury.csv"
    path.write_bytes(csv_bytes([HEADER, [2026, district.project_s1.code, 5, "1000"], [2026, "NOPE", 5, "1"]]))
    with pytest.raises(CommandError, match="整份未加载"):
        call_command("load_payments", str(path), "--json")
    result = json.loads(capsys.readouterr().out)
    assert not result["ok"] and result["errors"][0]["row"] == 3
    assert not ProjectMonth.objects.exists()
    with pytest.raises(CommandError, match="无法读取"):
        call_command("load_targets", str(tmp_path / "missing.xlsx"))
