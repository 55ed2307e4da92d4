from django import forms

from jixiao.core.fields import IsoDateInput, LenientDateField
from jixiao.oversight.models import OversightKind, OversightState, OversightTarget, Severity
from jixiao.rectification.services import ACCEPT_ATTRIBUTE


def _date(label: str, required: bool = False) -> LenientDateField:
    return LenientDateField(label=label, required=required, widget=IsoDateInput(attrs={"class": "narrow"}))


class PlanForm(forms.Form):
    """安排监督检查: the kind, what is checked (a project by its code, a unit, or an earlier rectification
    item), when, and the staff or the entrusted agency."""

    kind = forms.ChoiceField(label="检查方式", choices=[("", "请选择"), *OversightKind.choices])
    target = forms.ChoiceField(label="检查对象", choices=OversightTarget.choices, widget=forms.RadioSelect)
    project_code = forms.CharField(
        label="项目编码", required=False, max_length=40, help_text="对象为项目时填写。"
    )
    organisation = forms.ModelChoiceField(
        label="被检查单位",
        queryset=None,
        required=False,
        empty_label="请选择",
        help_text="对象为单位时选择。",
    )
    rectification_item = forms.ModelChoiceField(
        label="核查的整改事项",
        queryset=None,
        required=False,
        empty_label="请选择",
        help_text="对象为前期问题整改时选择。",
    )
    subject = forms.CharField(label="检查内容", widget=forms.Textarea(attrs={"rows": 3}))
    planned_start = _date("计划开始日期", required=True)
    planned_end = _date("计划结束日期", required=True)
    staff = forms.ModelMultipleChoiceField(
        label="检查人员", queryset=None, required=False, help_text="委托跟踪监控以外的方式须选择。"
    )
    agency = forms.ModelChoiceField(
        label="受托机构",
        queryset=None,
        required=False,
        empty_label="（不委托）",
        help_text="仅委托跟踪监控。",
    )
    internal_note = forms.CharField(
        label="内部备注",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="仅区财政局可见。",
    )

    def __init__(self, *args, units, items, staff, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = units
        self.fields["rectification_item"].queryset = items
        self.fields["rectification_item"].label_from_instance = lambda item: (
            f"{item.organisation.name}：{item.source_label} {item.problem[:30]}"
        )
        self.fields["staff"].queryset = staff
        self.fields["agency"].queryset = agencies


class EditForm(forms.Form):
    """修改计划: what may change before the check starts."""

    subject = forms.CharField(label="检查内容", widget=forms.Textarea(attrs={"rows": 3}))
    planned_start = _date("计划开始日期", required=True)
    planned_end = _date("计划结束日期", required=True)
    staff = forms.ModelMultipleChoiceField(label="检查人员", queryset=None, required=False)
    internal_note = forms.CharField(
        label="内部备注",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="仅区财政局可见。",
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff


class StartForm(forms.Form):
    actual_start = _date("实际开始日期")


class FindingForm(forms.Form):
    text = forms.CharField(label="发现的问题", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    severity = forms.ChoiceField(label="严重程度", required=False, choices=Severity.choices)
    project_code = forms.CharField(
        label="涉及项目编码", required=False, max_length=40, help_text="可不填；不填时为检查的项目。"
    )


class RecordFindingsForm(forms.Form):
    actual_end = _date("实际结束日期")


class CloseForm(forms.Form):
    conclusion = forms.CharField(label="办结意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label="答复内容", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label="附件", widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))


class RectifyForm(forms.Form):
    """开具整改事项 on a finding: what the unit must do and by when."""

    requirement = forms.CharField(
        label="整改意见及要求", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_date = _date("整改时限")


class FilterForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=100)
    kind = forms.ChoiceField(label="方式", required=False, choices=[("", "全部"), *OversightKind.choices])
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *OversightState.choices])
    unit = forms.ModelChoiceField(label="单位", required=False, queryset=None, empty_label="全部")
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class AssignForm(forms.Form):
    """委托: an agency and a project by its code (and year when codes repeat)."""

    agency = forms.ModelChoiceField(label="第三方机构", queryset=None, empty_label="请选择")
    project_code = forms.CharField(label="项目编码", max_length=40)
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
