"""ServiceError carries one Chinese message and its field errors, and is still a ValidationError."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from jixiao.core.errors import ServiceError, error_parts


def test_a_service_error_is_a_validation_error_whose_first_message_is_its_message():
    error = ServiceError("退回须写明原因。", {"reason": "请填写退回原因。"})
    with pytest.raises(ValidationError) as caught:
        raise error
    assert caught.value.messages[0] == "退回须写明原因。"
    assert "请填写退回原因。" in caught.value.messages
    assert str(error) == "退回须写明原因。"
    assert error.field_errors == {"reason": ["请填写退回原因。"]}


def test_a_service_error_without_fields_has_just_its_message():
    error = ServiceError("材料已报送，不能修改。", code="sent")
    assert error.messages == ["材料已报送，不能修改。"]
    assert error.field_errors == {}
    assert error.code == "sent"
    assert error_parts(error) == ("材料已报送，不能修改。", {})


def test_a_form_shows_a_service_error_on_its_fields():
    class ReasonForm(forms.Form):
        reason = forms.CharField(required=False)

    form = ReasonForm({"reason": ""})
    assert form.is_valid()
    form.add_error(None, ServiceError("退回须写明原因。", {"reason": ["请填写退回原因。"]}))
    assert form.errors == {"__all__": ["退回须写明原因。"], "reason": ["请填写退回原因。"]}


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ServiceError("不能撤回。", {"state": "已签收"}), ("不能撤回。", {"state": ["已签收"]})),
        (ValidationError("不能撤回。"), ("不能撤回。", {})),
        (ValidationError(["缺少附件1。", "缺少书面说明。"]), ("缺少附件1。 缺少书面说明。", {})),
        (
            ValidationError({"amount": ["金额不能为负数。"]}),
            ("金额不能为负数。", {"amount": ["金额不能为负数。"]}),
        ),
        (
            ValidationError({"__all__": ["保存失败。"], "amount": ["金额不能为负数。"]}),
            ("保存失败。", {"amount": ["金额不能为负数。"]}),
        ),
    ],
)
def test_every_shape_of_validation_error_reads_as_a_message_and_field_errors(error, expected):
    assert error_parts(error) == expected
