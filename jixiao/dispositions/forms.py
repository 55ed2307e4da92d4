from django import forms

from jixiao.dispositions.models import Choice
from jixiao.dispositions.selectors import REASONS
from jixiao.monitoring.services import MAX_DISPOSITION_DAYS


class AnswerForm(forms.Form):
    choice = forms.ChoiceField(label="处置意见", choices=Choice.choices, widget=forms.RadioSelect)
    measures = forms.CharField(
        label="整改措施",
        required=False,
        help_text="选择“继续实施并采取措施”时必填：针对预警问题拟采取的纠偏措施、完成时间。",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label="申请理由",
        required=False,
        help_text="选择“申请调剂”或“申请取消”时必填：原因、涉及资金及调剂去向。",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(label="受理意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DaysForm(forms.Form):
    days = forms.IntegerField(
        label="答复时限（工作日）",
        min_value=1,
        max_value=MAX_DISPOSITION_DAYS,
        widget=forms.NumberInput(attrs={"class": "narrow"}),
    )


class CandidateFilterForm(forms.Form):
    reason = forms.ChoiceField(label="列入原因", required=False, choices=[("", "全部"), *REASONS])
    q = forms.CharField(label="项目或单位", required=False, max_length=100)
