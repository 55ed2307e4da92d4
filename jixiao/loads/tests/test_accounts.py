"""The people loader: the system administrator previews an account sheet, confirms it, and sees the new
accounts' one-time passwords once; any error refuses the whole sheet by row and column; the data manager
may not use it."""

import base64
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from jixiao.audit.models import AuditRecord
from jixiao.loads.models import LoadKind, LoadRun, LoadStatus
from jixiao.loads.services import load_apply, load_preview, plan_file
from jixiao.loads.tests.conftest import csv_bytes, xlsx_bytes
from jixiao.organisations.models import Role, User

pytestmark = pytest.mark.django_db

HEADER = ["单位编码", "姓名", "用户名", "角色", "手机", "邮箱"]


def sheet(*rows) -> list[list]:
    return [HEADER, *rows]


THREE = sheet(
    ["S1", "张伟", "zhang.wei", "填报人", "13800000001", "zw@example.cn"],
    ["S1", "李娜", "li.na", "单位负责人", "13800000002", ""],
    ["T", "王强", "wang.qiang", "填报人", "", ""],
)


def preview(district, rows, *, filename="人员.xlsx", data=None):
    data = data if data is not None else xlsx_bytes(rows)
    return load_preview(kind=LoadKind.ACCOUNTS, filename=filename, data=data, acting_user=district.sysadmin)


def confirm(district, run):
    return load_apply(run=run, checksum=run.checksum, acting_user=district.sysadmin)


def test_preview_then_confirm_creates_people_with_one_time_passwords(district):
    run = preview(district, THREE)
    assert run.status == LoadStatus.PREVIEWED
    assert run.counts == {"created": 3, "changed": 0, "unchanged": 0}
    assert not User.objects.filter(username__in=["zhang.wei", "li.na", "wang.qiang"]).exists()

    run = confirm(district, run)
    passwords = {entry["username"]: entry["password"] for entry in run.one_time_passwords}
    assert set(passwords) == {"zhang.wei", "li.na", "wang.qiang"}
    for username, password in passwords.items():
        user = User.objects.get(username=username)
        assert user.check_password(password) and user.must_change_password
    zhang = User.objects.get(username="zhang.wei")
    assert (zhang.full_name, zhang.phone, zhang.email) == ("张伟", "13800000001", "zw@example.cn")
    assert list(zhang.memberships.values_list("organisation__code", "role")) == [("S1", Role.FILLER)]
    # One audit record of the load plus the history row; no password is kept anywhere.
    record = AuditRecord.objects.get(action="load.accounts")
    assert record.actor == district.sysadmin
    stored = LoadRun.objects.get(pk=run.pk)
    assert stored.status == LoadStatus.APPLIED
    kept = json.dumps([stored.diff, stored.counts, stored.options, stored.errors], ensure_ascii=False)
    kept += str(list(AuditRecord.objects.values_list("changes", "comment", "object_repr")))
    assert not any(password in kept for password in passwords.values())


def test_loading_the_same_sheet_twice_changes_nothing(district):
    confirm(district, preview(district, THREE))
    hashes = dict(User.objects.values_list("username", "password"))
    again = preview(district, THREE)
    assert again.counts == {"created": 0, "changed": 0, "unchanged": 3}
    again = confirm(district, again)
    assert again.one_time_passwords == []
    assert dict(User.objects.values_list("username", "password")) == hashes


def test_an_existing_person_shows_old_and_new_and_keeps_the_password(district):
    person = district.s1_filler
    person.set_password("Kept#password2026")
    person.save()
    rows = sheet(
        ["S2", "改名", "s1_filler", "单位负责人", "13900000000", ""],
        ["S1", "改名", "s1_filler", "填报人", "", ""],
    )
    run = preview(district, rows)
    assert run.counts == {"created": 0, "changed": 1, "unchanged": 0}
    (entry,) = run.diff["changed"]
    assert entry["fields"]["姓名"] == ["s1_filler", "改名"]
    assert entry["fields"]["手机"] == ["—", "13900000000"]
    assert entry["fields"]["岗位"][0] == "第一中学（S1）填报人"
    assert entry["fields"]["岗位"][1] == "第一中学（S1）填报人、第二中学（S2）单位负责人"
    run = confirm(district, run)
    assert run.one_time_passwords == []
    person.refresh_from_db()
    assert person.full_name == "改名" and person.check_password("Kept#password2026")
    assert not person.must_change_password
    posts = set(person.memberships.values_list("organisation__code", "role"))
    assert posts == {("S1", Role.FILLER), ("S2", Role.UNIT_LEADER)}
    assert AuditRecord.objects.filter(action="user.change", object_id=str(person.pk)).count() == 1


def test_a_dry_run_writes_nothing(district, tmp_path):
    path = tmp_path / "人员.xlsx"
    path.write_bytes(xlsx_bytes(THREE))
    users, runs, records = User.objects.count(), LoadRun.objects.count(), AuditRecord.objects.count()
    out = io.StringIO()
    call_command("load_accounts", str(path), "--dry-run", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["ok"] and result["counts"] == {"created": 3, "changed": 0, "unchanged": 0}
    assert "passwords" not in result
    assert (User.objects.count(), LoadRun.objects.count(), AuditRecord.objects.count()) == (
        users,
        runs,
        records,
    )


def test_the_command_loads_and_prints_the_passwords_once(district, tmp_path):
    path = tmp_path / "人员.csv"
    path.write_bytes(csv_bytes(THREE, "gbk"))
    out = io.StringIO()
    call_command("load_accounts", str(path), "--json", stdout=out)
    result = json.loads(out.getvalue())
    passwords = {entry["username"]: entry["password"] for entry in result["passwords"]}
    assert User.objects.get(username="li.na").check_password(passwords["li.na"])
    assert LoadRun.objects.get().created_by is None


def test_the_command_refuses_a_sheet_with_an_error_and_writes_nothing(district, tmp_path):
    path = tmp_path / "人员.csv"
    path.write_bytes(csv_bytes(sheet(*THREE[1:], ["S1", "某人", "mou.ren", "科长", "", ""])))
    err = io.StringIO()
    with pytest.raises(CommandError, match="整份未加载"):
        call_command("load_accounts", str(path), stderr=err)
    assert "第5行 · D列“角色”" in err.getvalue()
    assert not User.objects.filter(username__in=["zhang.wei", "mou.ren"]).exists()


def test_any_error_refuses_the_whole_sheet_by_row_and_column(district):
    rows = sheet(
        ["S1", "张伟", "zhang.wei", "填报人", "", ""],
        ["NOPE", "李娜", "li.na", "填报人", "", ""],
        ["S1", "王强", "wang qiang", "填报人", "", ""],
        ["S1", "赵六", "zhao.liu", "填报人", "", "not-an-email"],
        ["SEC-A", "钱七", "qian.qi", "填报人", "", ""],
        ["BUREAU", "孙八", "sun.ba", "系统管理员", "", ""],
        ["BUREAU", "孙八", "sun.ba", "数据管理", "", ""],
        ["S1", "", "zhou.jiu", "填报人", "", ""],
        ["S2", "张大伟", "zhang.wei", "单位负责人", "", ""],
    )
    run = preview(district, rows)
    assert run.status == LoadStatus.REJECTED
    where = {(e["row"], e["column"].split("列")[0]) for e in run.errors}
    assert where == {(3, "A"), (4, "C"), (5, "F"), (6, "D"), (8, "D"), (9, "B"), (10, "B")}
    messages = " ".join(e["message"] for e in run.errors)
    assert "找不到编码为“NOPE”的机构" in messages
    assert "不能在“对口服务股室”" in messages
    assert "三权分立" in messages
    assert "与第2行同一用户的姓名“张伟”不一致" in messages
    assert all(e["sheet"] for e in run.errors)
    assert not User.objects.filter(username__in=["zhang.wei", "li.na", "zhao.liu"]).exists()
    with pytest.raises(Exception, match="未通过预览"):
        confirm(district, run)


def test_an_administrators_posts_are_not_changed_by_a_sheet(district):
    run = preview(district, sheet(["S1", "sysadmin", "sysadmin", "填报人", "", ""]))
    assert run.status == LoadStatus.REJECTED
    assert "是系统管理员，其岗位不能通过表格修改" in run.errors[0]["message"]
    assert district.sysadmin.memberships.get().role == Role.SYSADMIN


def test_an_unknown_role_is_refused(district):
    run = preview(district, sheet(["S1", "张伟", "zhang.wei", "科长", "", ""]))
    assert run.status == LoadStatus.REJECTED
    (error,) = run.errors
    assert error["row"] == 2 and error["column"].startswith("D列")
    assert "角色“科长”不是系统中的角色" in error["message"]


def test_a_gbk_csv_with_export_headers_is_read(district):
    rows = [["机构编码", "人员姓名", "登录名", "岗位", "手机号码", "电子邮箱"], *THREE[1:]]
    outcome = plan_file(kind=LoadKind.ACCOUNTS, filename="人员.csv", data=csv_bytes(rows, "gbk"))
    assert outcome.ok, outcome.problems
    assert outcome.plan.counts["created"] == 3
    assert [entry["label"] for entry in outcome.plan.created] == ["张伟", "李娜", "王强"]


def test_a_sheet_that_moved_since_its_preview_is_not_loaded(district):
    run = preview(district, THREE)
    confirm(district, preview(district, sheet(THREE[1])))
    with pytest.raises(Exception, match="已有变化"):
        confirm(district, run)
    assert not User.objects.filter(username="li.na").exists()


# ----- who may load accounts ------------------------------------------------------------------------


def test_the_data_manager_may_not_load_accounts(district, data_manager, client):
    with pytest.raises(PermissionDenied):
        load_preview(
            kind=LoadKind.ACCOUNTS, filename="a.xlsx", data=xlsx_bytes(THREE), acting_user=data_manager
        )
    client.force_login(data_manager)
    assert client.get(reverse("account_loads:index")).status_code == 403
    assert client.get(reverse("account_loads:template", args=["xlsx"])).status_code == 403
    # Nor through the data pages or the API.
    assert client.get(reverse("loads:template", args=["accounts", "xlsx"])).status_code == 404
    sheet_file = io.BytesIO(xlsx_bytes(THREE))
    sheet_file.name = "人员.xlsx"
    assert client.post(reverse("loads:upload"), {"kind": "accounts", "file": sheet_file}).status_code == 400
    api = client.post(
        "/api/v1/loads/accounts/", {"dry_run": True, "rows": []}, content_type="application/json"
    )
    assert api.status_code == 404
    assert not LoadRun.objects.filter(kind=LoadKind.ACCOUNTS).exists()


def test_the_administrator_may_not_load_business_data(district, client):
    client.force_login(district.sysadmin)
    assert client.get(reverse("loads:index")).status_code == 403
    assert client.get(reverse("account_loads:index")).status_code == 200


def test_account_runs_are_not_in_the_data_managers_history(district, data_manager, client):
    run = preview(district, THREE)
    client.force_login(data_manager)
    assert client.get(reverse("loads:detail", args=[run.pk])).status_code == 404
    assert "人员.xlsx" not in client.get(reverse("loads:index")).content.decode()
    client.force_login(district.sysadmin)
    data_run = load_preview(
        kind=LoadKind.ORGANISATIONS, filename="机构.csv", data=b"x", acting_user=data_manager
    )
    assert client.get(reverse("account_loads:detail", args=[data_run.pk])).status_code == 404


# ----- the pages --------------------------------------------------------------------------------------


def test_the_pages_preview_confirm_and_show_the_passwords_once(district, client):
    client.force_login(district.sysadmin)
    index = client.get(reverse("account_loads:index"))
    assert index.status_code == 200
    template = client.get(reverse("account_loads:template", args=["xlsx"]))
    headers = [c.value for c in load_workbook(io.BytesIO(template.content)).worksheets[0][1]]
    assert headers == HEADER
    upload = io.BytesIO(xlsx_bytes(THREE))
    upload.name = "人员.xlsx"
    response = client.post(reverse("account_loads:upload"), {"file": upload})
    run = LoadRun.objects.get(kind=LoadKind.ACCOUNTS)
    assert response.url == reverse("account_loads:detail", args=[run.pk])
    detail = client.get(response.url).content.decode()
    assert "新增 <strong>3</strong> 个账号" in detail and "第一中学（S1）填报人" in detail

    shown = client.post(reverse("account_loads:confirm", args=[run.pk]), {"checksum": run.checksum})
    assert shown.status_code == 200
    assert "no-store" in shown["Cache-Control"]
    passwords = {entry["username"]: entry["password"] for entry in shown.context["passwords"]}
    html = shown.content.decode()
    assert all(password in html for password in passwords.values())
    workbook = load_workbook(io.BytesIO(base64.b64decode(shown.context["workbook"])))
    rows = {r[0]: r[3] for r in workbook.worksheets[0].iter_rows(min_row=2, max_row=4, values_only=True)}
    assert rows == passwords
    # Never again: the confirmation is refused and no page shows them.
    again = client.post(
        reverse("account_loads:confirm", args=[run.pk]), {"checksum": run.checksum}, follow=True
    )
    later = (
        again.content.decode() + client.get(reverse("account_loads:detail", args=[run.pk])).content.decode()
    )
    assert "已经加载" in later
    assert not any(password in later for password in passwords.values())


def test_the_admin_index_links_to_the_account_load(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert reverse("account_loads:index") in html


def test_the_history_page_reads_a_fixed_number_of_queries(district, client):
    client.force_login(district.sysadmin)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("account_loads:index")).status_code == 200
        return len(captured)

    preview(district, THREE)
    few = count()
    for number in range(5):
        preview(district, sheet([f"S{number % 2 + 1}", "某人", f"person{number}", "填报人", "", ""]))
    assert count() == few
