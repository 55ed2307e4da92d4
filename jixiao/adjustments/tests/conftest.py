"""Requests built through the services: a draft, a sent request, a sent 附件1."""

import pytest

from jixiao.adjustments.services import adjustment_create, adjustment_submit
from jixiao.monitoring.services import report_save
from jixiao.workflow.services import submission_for, submission_save_explanation, submission_submit

REQUEST = {
    "cause": "policy",
    "cause_description": "上级调整了培训政策，培训对象减少。",
    "response_plan": "压缩培训班次，资金用于线上课程。",
}
EXPLANATION = {
    "narrative_rules": "制度健全",
    "narrative_outputs": "产出正常",
    "narrative_benefits": "效益明显",
    "narrative_conditions": "条件未变",
    "narrative_funds": "资金安全",
    "narrative_deviation": "无明显偏离",
    "narrative_innovation": "无",
}


def indicator(project, name: str):
    return project.current_target.indicators.get(name=name)


def draft(district, *, project=None, user=None, cause="policy", targets=None, **values):
    """A draft request lowering S1's 培训人数 to ≥400人 (or the given targets by indicator name)."""
    project = project or district.project_s1
    targets = targets if targets is not None else {"培训人数": "≥400人"}
    return adjustment_create(
        project=project,
        cycle=district.cycle,
        values={**REQUEST, "cause": cause, **values},
        targets={indicator(project, name).pk: text for name, text in targets.items()},
        acting_user=user or district.s1_filler,
    )


def submitted(district, **kwargs):
    adjustment = draft(district, **kwargs)
    user = kwargs.get("user") or district.s1_filler
    return adjustment_submit(adjustment=adjustment, acting_user=user)


def fill_report(district, project, user, *, explained: bool = True):
    """A saved 附件1 with every indicator's row explained, ready to send."""
    values = {"deviation_funding": "资金拨付滞后", "corrective_measures": "加快拨付"} if explained else {}
    entries = {i.pk: {**values, "actual_number": None} for i in project.current_target.indicators.all()}
    first = project.current_target.indicators.get(name="培训人数")
    entries[first.pk]["actual_number"] = 200
    return report_save(
        project=project,
        cycle=district.cycle,
        values=values,
        entries=entries,
        expected_revision=0,
        acting_user=user,
    )


def send_s1_package(district):
    """S1's 附件1 filled and its package sent to P1, which locks the report."""
    fill_report(district, district.project_s1, district.s1_filler)
    package = submission_for(organisation=district.s1, cycle=district.cycle)
    package = submission_save_explanation(
        submission=package, values=EXPLANATION, acting_user=district.s1_filler
    )
    return submission_submit(submission=package, acting_user=district.s1_leader, confirmed=True)


@pytest.fixture
def request_sent(district):
    return submitted(district)
