from django import forms

from jixiao.practices.models import PracticeSource


class PracticeFilterForm(forms.Form):
    section = forms.ModelChoiceField(label="对口服务股室", required=False, queryset=None, empty_label="全部")
    unit = forms.ModelChoiceField(
        label="单位（含下属单位）", required=False, queryset=None, empty_label="全部"
    )
    source = forms.ChoiceField(label="来源", required=False, choices=[("", "全部"), *PracticeSource.choices])

    def __init__(self, *args, sections, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections
        self.fields["unit"].queryset = units


class MarkForm(forms.Form):
    note = forms.CharField(
        label="推荐意见",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": "如：资金分批拨付与进度挂钩，可在教育系统推广"}
        ),
    )


class UnmarkForm(forms.Form):
    comment = forms.CharField(label="取消原因", required=False, max_length=300)
