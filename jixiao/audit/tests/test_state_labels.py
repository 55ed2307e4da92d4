"""The auditor reads states by their Chinese labels, looked up in the choices of the record's own model."""

import pytest

from jixiao.audit.models import state_label


@pytest.mark.parametrize(
    ("object_type", "code", "label"),
    [
        ("monitoring.monitoringcycle", "open", "进行中"),
        ("rectification.rectificationitem", "open", "待整改"),
        ("workflow.submission", "draft", "未报送"),
        ("review.feedback", "draft", "起草中"),
        ("review.keyitem", "sample", "随机抽取"),
        ("monitoring.analysisreport", "r3", "第 3 版"),
        ("projects.targetversion", "2", "第 2 版"),
        ("workflow.submission", "2026-09-20", "2026-09-20"),
        ("workflow.submission", "", "（无）"),
        ("no.such_model", "open", "open"),
    ],
)
def test_state_label(object_type, code, label):
    assert state_label(object_type, code) == label
