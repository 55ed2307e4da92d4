from django import forms

from jixiao.core.fields import IsoDateInput, LenientDateField, WanField
from jixiao.violations.models import CaseState, Law


class CaseForm(forms.Form):
    """登记 and 修改: the unit, an optional project (by its code), the facts and the legal basis."""

    organisation = forms.ModelChoiceField(label="涉及单位", queryset=None, empty_label="请选择")
    project_code = forms.CharField(
        label="涉及项目编码", required=False, max_length=40, help_text="可不填；填写时须为该单位的项目。"
    )
    title = forms.CharField(label="案由", max_length=200)
    facts = forms.CharField(label="违法违规事实", widget=forms.Textarea(attrs={"rows": 5}))
    law = forms.ChoiceField(label="法律依据", choices=[("", "请选择"), *Law.choices])
    article = forms.CharField(label="条款", max_length=200, help_text="如：第九十二条第一款。")
    amount = WanField(label="涉及金额（万元）", required=False)

    def __init__(self, *args, units, fixed_unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = units
        if fixed_unit is not None:
            self.fields["organisation"].initial = fixed_unit.pk
            self.fields["organisation"].disabled = True


class InvestigateForm(forms.Form):
    comment = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HandleForm(forms.Form):
    handling = forms.CharField(
        label="处理情况",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：责令改正，收回违规资金 12.5 万元"}),
    )


class ReferForm(forms.Form):
    referred_to = forms.CharField(label="移送机关", required=False, max_length=100)
    referred_on = LenientDateField(
        label="移送日期", required=False, widget=IsoDateInput(attrs={"class": "narrow"})
    )
    comment = forms.CharField(label="移送理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    conclusion = forms.CharField(label="结案意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FilterForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=100)
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *CaseState.choices])
    law = forms.ChoiceField(label="法律依据", required=False, choices=[("", "全部"), *Law.choices])
    unit = forms.ModelChoiceField(label="单位", required=False, queryset=None, empty_label="全部")
    year = forms.IntegerField(label="登记年度", required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
