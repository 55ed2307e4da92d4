"""JSON loads through the loaders of 数据加载: the bureau's data manager or a bureau token with the `load`
scope; a dry run writes nothing; any bad row refuses the whole batch."""

from decimal import Decimal

import pytest

from jixiao.api.tests.helpers import make_token, person_client, token_client
from jixiao.audit.models import AuditRecord
from jixiao.conftest import create_user
from jixiao.loads.models import LoadRun
from jixiao.organisations.models import Role
from jixiao.projects.models import ProjectMonth

pytestmark = pytest.mark.django_db

URL = "/api/v1/loads/payments/"


def payment(project, month: int, paid: str) -> dict:
    return {"预算年度": "2026", "项目编码": project.code, "月份": month, "支付数·财政拨款（元）": paid}


def test_a_dry_run_shows_what_would_change_and_writes_nothing(district):
    client = token_client(make_token(district.bureau, scopes=("load",)))
    answer = client.post(
        URL, {"dry_run": True, "rows": [payment(district.project_s1, 5, "1000")]}, format="json"
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["dry_run"], body["counts"]) == (True, {"created": 1, "changed": 0, "unchanged": 0})
    assert not ProjectMonth.objects.exists()
    assert not LoadRun.objects.exists()


def test_a_bureau_token_loads_the_rows(district):
    client = token_client(make_token(district.bureau, scopes=("load",)))
    rows = [payment(district.project_s1, 5, "1000"), payment(district.project_s2, 6, "2500.50")]
    answer = client.post(URL, {"rows": rows}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["counts"]["created"] == 2
    month = ProjectMonth.objects.get(project=district.project_s2, month=6)
    assert month.paid_fiscal == Decimal("2500.50")
    assert AuditRecord.objects.filter(action="load.payments").count() == 1
    assert AuditRecord.objects.filter(action="api_token.use", comment=f"POST {URL}").count() == 1


def test_one_bad_row_refuses_the_whole_batch_row_by_row(district):
    client = token_client(make_token(district.bureau, scopes=("load",)))
    rows = [
        payment(district.project_s1, 5, "1000"),
        payment(district.project_s1, 13, "1"),
        {"项目编码": "NOPE"},
    ]
    answer = client.post(URL, {"rows": rows}, format="json")
    assert answer.status_code == 400
    body = answer.json()
    assert body["message"].endswith("处问题，整批未加载。")
    assert any("第3行" in problem for problem in body["errors"]["rows"])
    assert not ProjectMonth.objects.exists()
    assert not LoadRun.objects.exists()


@pytest.mark.parametrize(
    ("organisation", "scopes"), [("bureau", ("read",)), ("s1", ("load",)), ("p1", ("read", "load"))]
)
def test_other_tokens_do_not_load(district, organisation, scopes):
    client = token_client(make_token(getattr(district, organisation), scopes=scopes))
    answer = client.post(
        URL, {"dry_run": True, "rows": [payment(district.project_s1, 5, "1")]}, format="json"
    )
    assert answer.status_code == 403
    assert answer.json()["message"] in {
        "该接口令牌没有“数据导入”权限。",
        "只有区财政局的接口令牌可以加载数据。",
    }
    assert not ProjectMonth.objects.exists()


def test_the_data_manager_loads_and_others_do_not(district):
    manager = create_user(district.bureau, Role.DATA_MANAGER)
    rows = [payment(district.project_s1, 5, "1000")]
    for user in (district.sysadmin, district.supervision_staff, district.s1_filler):
        refused = person_client(user).post(URL, {"dry_run": True, "rows": rows}, format="json")
        assert refused.status_code == 403
        assert refused.json()["message"] == "只有区财政局的数据管理岗可以加载数据。"
    assert person_client(manager).post(URL, {"rows": rows}, format="json").status_code == 200
    assert LoadRun.objects.get().created_by == manager


def test_an_unknown_loader_is_404(district):
    client = token_client(make_token(district.bureau, scopes=("load",)))
    assert client.post("/api/v1/loads/people/", {"rows": [{}]}, format="json").status_code == 404
