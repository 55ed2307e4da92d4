"""The funding status in the API (for the treasury system): every project carries `funding_status`, and
`projects/<id>/funding-decisions/` lists its decisions, both within the caller's scope."""

import pytest

from jixiao.api.tests.helpers import make_token, token_client
from jixiao.funding.basis import basis_item
from jixiao.funding.models import FundingState
from jixiao.funding.services import funding_decide
from jixiao.organisations.models import Role

pytestmark = pytest.mark.django_db

FINDING = basis_item("oversight", "数据抽查：支付凭证与用途不符")


def decide(district, project, status, reason="严重偏离绩效目标。"):
    basis = [FINDING] if status != FundingState.NORMAL else []
    funding_decide(
        project=project, status=status, reason=reason, basis=basis, acting_user=district.bureau_leader
    )


def test_each_project_carries_its_funding_status(district):
    decide(district, district.project_s1, FundingState.STOPPED)
    client = token_client(make_token(district.bureau))
    rows = {
        row["code"]: row["funding_status"]
        for row in client.get("/api/v1/projects/?page_size=100").json()["results"]
    }
    stopped = rows[district.project_s1.code]
    assert stopped["status"] == "stopped" and stopped["status_label"] == "停止拨款"
    assert stopped["reason"] == "严重偏离绩效目标。"
    assert stopped["basis"] == [FINDING]
    assert stopped["set_by_name"] == str(district.bureau_leader) and stopped["set_at"]
    normal = rows[district.project_s2.code]
    assert normal == {
        "status": "normal",
        "status_label": "正常拨款",
        "reason": "",
        "basis": [],
        "set_by_name": "",
        "set_at": None,
    }
    one = client.get(f"/api/v1/projects/{district.project_s1.pk}/").json()
    assert one["funding_status"]["status"] == "stopped"


def test_the_decisions_are_listed_oldest_first(client, district):
    decide(district, district.project_s1, FundingState.SUSPENDED)
    decide(district, district.project_s1, FundingState.NORMAL, reason="整改已销号。")
    client.force_login(district.s1_filler)
    answer = client.get(f"/api/v1/projects/{district.project_s1.pk}/funding-decisions/")
    assert answer.status_code == 200
    decisions = answer.json()
    assert [(d["action"], d["from_state"], d["to_state"]) for d in decisions] == [
        ("funding.suspend", "normal", "suspended"),
        ("funding.resume", "suspended", "normal"),
    ]
    assert decisions[0]["action_label"] == "暂缓拨款" and decisions[0]["basis"] == [FINDING]
    assert decisions[1]["to_state_label"] == "正常拨款" and decisions[1]["comment"] == "整改已销号。"


def test_another_units_project_is_not_found(client, district, make_user):
    decide(district, district.project_s1, FundingState.SUSPENDED)
    client.force_login(make_user(district.s2, Role.FILLER))
    assert client.get(f"/api/v1/projects/{district.project_s1.pk}/funding-decisions/").status_code == 404
    token = token_client(make_token(district.p2))
    assert token.get(f"/api/v1/projects/{district.project_s1.pk}/funding-decisions/").status_code == 404


def test_the_treasury_asks_for_the_projects_on_hold(district):
    decide(district, district.project_s1, FundingState.SUSPENDED)
    decide(district, district.project_p2, FundingState.STOPPED)
    decide(district, district.project_s3, FundingState.SUSPENDED)
    decide(district, district.project_s3, FundingState.NORMAL)
    client = token_client(make_token(district.bureau))

    def codes(status):
        answer = client.get(f"/api/v1/projects/?funding_status={status}&page_size=100").json()
        return {row["code"] for row in answer["results"]}

    assert codes("suspended") == {district.project_s1.code}
    assert codes("stopped") == {district.project_p2.code}
    assert district.project_s3.code in codes("normal") and district.project_s1.code not in codes("normal")
    assert client.get("/api/v1/projects/?funding_status=frozen").status_code == 400
