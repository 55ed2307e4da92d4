"""The pages of goal adjustment: links from the project and its 附件1, the form's messages, the request
page's buttons per policy, another unit's id as 404, the bureau list (urgent first) and its query count,
and the project's target history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.adjustments.models import AdjustmentState, GoalAdjustment
from jixiao.adjustments.services import adjustment_approve
from jixiao.adjustments.tests.conftest import REQUEST, fill_report, indicator, submitted
from jixiao.monitoring.services import report_save
from jixiao.organisations.models import OrganisationKind, Role

pytestmark = pytest.mark.django_db


def get(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:500]
    return response.content.decode()


def post(client, user, url, data, status=302):
    client.force_login(user)
    response = client.post(url, data)
    assert response.status_code == status, response.content.decode()[:500]
    return response


def test_the_project_and_its_report_link_to_the_request_for_the_unit_only(client, district):
    project = district.project_s1
    new = reverse("adjustments:new", args=[project.pk])
    assert new in get(client, district.s1_filler, reverse("projects:project_detail", args=[project.pk]))
    assert new not in get(
        client, district.counterpart_a, reverse("projects:project_detail", args=[project.pk])
    )
    report_page = reverse("monitoring:report_edit", args=[district.cycle.pk, project.pk])
    assert f"{new}?cycle={district.cycle.pk}" in get(client, district.s1_filler, report_page)
    assert new not in get(client, district.supervision_staff, report_page)


def test_the_form_starts_from_what_the_report_says_about_the_conditions(client, district):
    project = district.project_s1
    report_save(
        project=project,
        cycle=district.cycle,
        values={"narrative_conditions": "汛期校舍受损，培训须压缩。"},
        entries={},
        expected_revision=0,
        acting_user=district.s1_filler,
    )
    url = reverse("adjustments:new", args=[project.pk]) + f"?cycle={district.cycle.pk}"
    assert "汛期校舍受损，培训须压缩。</textarea>" in get(client, district.s1_filler, url)


def test_the_form_shows_each_message_beside_its_field(client, district):
    project = district.project_s1
    url = reverse("adjustments:new", args=[project.pk])
    form = get(client, district.s1_filler, url)
    assert "培训人数" in form and "≥500人" in form
    count = indicator(project, "培训人数")
    response = post(
        client,
        district.s1_filler,
        url,
        {**REQUEST, "response_plan": "", f"target_{count.pk}": "≥很多", "submit": "1"},
        status=400,
    )
    page = response.content.decode()
    assert "请填写应对方案。" in page
    assert "比较符号后应为数值或日期" in page
    assert f'id="id_target_{count.pk}_error"' in page
    assert not GoalAdjustment.objects.exists()


def test_the_unit_sends_a_request_from_the_form(client, district):
    project = district.project_s1
    count = indicator(project, "培训人数")
    response = post(
        client,
        district.s1_filler,
        reverse("adjustments:new", args=[project.pk]) + f"?cycle={district.cycle.pk}",
        {**REQUEST, f"target_{count.pk}": "≥400人", "submit": "1"},
    )
    adjustment = GoalAdjustment.objects.get()
    assert response.url == reverse("adjustments:detail", args=[adjustment.pk])
    assert adjustment.state == AdjustmentState.SUBMITTED and adjustment.cycle == district.cycle
    page = get(client, district.s1_filler, response.url)
    assert "≥400人" in page and "报送绩效目标调整申请" in page
    assert 'id="approve-adjustment"' not in page
    # Asking again leads to the open request.
    again = post(client, district.s1_filler, reverse("adjustments:new", args=[project.pk]), {}, status=302)
    assert again.url == response.url


def test_a_draft_is_saved_edited_and_sent(client, district):
    project = district.project_s1
    count = indicator(project, "培训人数")
    post(
        client,
        district.s1_filler,
        reverse("adjustments:new", args=[project.pk]),
        {**REQUEST, f"target_{count.pk}": "≥450人"},
    )
    adjustment = GoalAdjustment.objects.get()
    assert adjustment.state == AdjustmentState.DRAFT
    edit = reverse("adjustments:edit", args=[adjustment.pk])
    assert 'value="≥450人"' in get(client, district.s1_filler, edit)
    post(client, district.s1_leader, edit, {**REQUEST, f"target_{count.pk}": "≥420人", "submit": "1"})
    adjustment.refresh_from_db()
    assert adjustment.state == AdjustmentState.SUBMITTED
    assert [r.new_target for r in adjustment.indicators.all()] == ["≥420人"]
    # Once sent it is no longer editable.
    assert post(client, district.s1_filler, edit, {}, status=302).url == reverse(
        "adjustments:detail", args=[adjustment.pk]
    )


@pytest.mark.parametrize(
    ("user", "status"), [("counterpart_b", 404), ("town_filler", 404), ("agency_staff", 403)]
)
def test_another_units_request_is_not_found(client, district, request_sent, user, status):
    get(client, getattr(district, user), reverse("adjustments:detail", args=[request_sent.pk]), status=status)


def test_another_section_cannot_decide(client, district, request_sent):
    for name in ("approve", "refuse"):
        url = reverse(f"adjustments:{name}", args=[request_sent.pk])
        post(client, district.counterpart_b, url, {"comment": "不同意"}, status=404)
    request_sent.refresh_from_db()
    assert request_sent.state == AdjustmentState.SUBMITTED


def test_another_units_project_cannot_be_asked_for(client, district, make_user):
    s2_filler = make_user(district.s2, Role.FILLER)
    get(client, s2_filler, reverse("adjustments:new", args=[district.project_s1.pk]), status=404)
    get(client, district.p1_leader, reverse("adjustments:new", args=[district.project_s1.pk]), status=403)


def test_the_sections_decide_on_the_request_page(client, district, request_sent):
    url = reverse("adjustments:detail", args=[request_sent.pk])
    page = get(client, district.counterpart_a, url)
    assert 'id="approve-adjustment"' in page and "以对口服务股室身份" in page
    post(client, district.s1_filler, reverse("adjustments:approve", args=[request_sent.pk]), {}, status=403)
    post(
        client,
        district.counterpart_a,
        reverse("adjustments:approve", args=[request_sent.pk]),
        {"comment": "同意"},
    )
    page = get(client, district.counterpart_a, url)
    assert 'id="approve-adjustment"' not in page
    refused = post(
        client,
        district.supervision_staff,
        reverse("adjustments:refuse", args=[request_sent.pk]),
        {"comment": ""},
        status=400,
    )
    assert "请填写不同意的理由。" in refused.content.decode()
    post(client, district.supervision_staff, reverse("adjustments:approve", args=[request_sent.pk]), {})
    request_sent.refresh_from_db()
    assert request_sent.state == AdjustmentState.APPROVED
    page = get(client, district.s1_filler, url)
    assert "已形成第 2 版绩效目标" in page
    assert page.count("同意调整绩效目标") == 2  # the 办理记录


def test_the_bureau_list_puts_urgent_requests_first_and_only_mine_as_pending(client, district):
    plain = submitted(district)
    urgent = submitted(
        district,
        project=district.project_town,
        user=district.town_filler,
        cause="emergency",
        targets={"培训人数": "≥300人"},
    )
    other_section = submitted(
        district, project=district.project_p2, user=_p2_filler(district), targets={"培训人数": "≥300人"}
    )
    page = get(client, district.counterpart_a, reverse("adjustments:index"))
    pending = page[page.index('id="pending"') : page.index('id="all"') if 'id="all"' in page else None]
    assert pending.index(f"#{urgent.pk}<") < pending.index(f"#{plain.pk}<")
    assert f"#{other_section.pk}<" not in page
    adjustment_approve(adjustment=plain, acting_user=district.counterpart_a)
    page = get(client, district.counterpart_a, reverse("adjustments:index"))
    assert f"#{plain.pk}<" not in page[page.index('id="pending"') : page.index('id="all"')]
    supervision = get(client, district.supervision_staff, reverse("adjustments:index"))
    assert all(f"#{a.pk}<" in supervision for a in (plain, urgent, other_section))
    get(client, district.s1_filler, reverse("adjustments:index"), status=403)


def _p2_filler(district):
    from jixiao.conftest import create_user

    return create_user(district.p2, Role.FILLER)


def _queries(client, user, url) -> int:
    client.force_login(user)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_bureau_list_takes_the_same_queries_for_more_requests(
    client, district, make_organisation, make_project, make_user
):
    submitted(district)
    small = _queries(client, district.supervision_staff, reverse("adjustments:index"))
    for index in range(4):
        unit = make_organisation(
            OrganisationKind.TOWN, f"增镇{index}", counterpart_section=district.section_b
        )
        submitted(district, project=make_project(unit), user=make_user(unit, Role.FILLER), cause="emergency")
    larger = _queries(client, district.supervision_staff, reverse("adjustments:index"))
    assert larger == small
    assert GoalAdjustment.objects.count() == 5


def test_the_project_page_shows_the_target_history(client, district, request_sent):
    fill_report(district, district.project_s1, district.s1_filler)
    adjustment_approve(adjustment=request_sent, acting_user=district.counterpart_a)
    adjustment_approve(adjustment=request_sent, acting_user=district.supervision_staff)
    page = get(
        client, district.counterpart_a, reverse("projects:project_detail", args=[district.project_s1.pk])
    )
    history = page[page.index('id="target-history"') :]
    assert "培训人数：≥500人 → ≥400人" in history
    assert reverse("adjustments:detail", args=[request_sent.pk]) in history
    assert "初次设定" in history
    report = get(
        client,
        district.s1_filler,
        reverse("monitoring:report_edit", args=[district.cycle.pk, district.project_s1.pk]),
    )
    assert "≥400人" in report and "≥500人" not in report
