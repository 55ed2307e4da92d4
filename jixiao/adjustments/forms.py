"""The request form: the cause, the response plan, the goal text and a new target per chosen indicator.

The form only collects text (nothing is required here, so that every message comes from one place); `adjustment_create`/`adjustment_update` read and check it (the targets are
read like the target tables write them), and the page shows their messages beside each field.
"""

from django import forms

from jixiao.adjustments.models import Cause
from jixiao.projects.models import in_form_order


def target_field_name(indicator) -> str:
    return f"target_{indicator.pk}"


class AdjustmentForm(forms.Form):
    cause = forms.ChoiceField(
        label="客观原因",
        choices=Cause.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    cause_description = forms.CharField(
        label="原因说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "哪些客观因素变化，对绩效目标有何影响"}),
    )
    response_plan = forms.CharField(
        label="应对方案",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "为保障项目实施拟采取的措施"}),
    )
    new_goal = forms.CharField(
        label="调整后的年度总体目标",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="不调整年度总体目标的留空。",
    )

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = in_form_order(version.indicators.all())
        self.fields["new_goal"].widget.attrs["placeholder"] = version.annual_goal
        for indicator in self.indicators:
            self.fields[target_field_name(indicator)] = forms.CharField(
                label=f"{indicator.name}的新指标值",
                required=False,
                max_length=220,
                widget=forms.TextInput(attrs={"placeholder": indicator.target_display, "class": "narrow"}),
            )

    @property
    def indicator_rows(self) -> list[tuple]:
        """(indicator, its new-target field) in the order of the 附件1 form."""
        return [(indicator, self[target_field_name(indicator)]) for indicator in self.indicators]

    def values(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("cause", "cause_description", "response_plan", "new_goal")
        }

    def targets(self) -> dict[int, str]:
        return {
            indicator.pk: self.cleaned_data[target_field_name(indicator)] for indicator in self.indicators
        }

    @classmethod
    def initial_of(cls, adjustment) -> dict:
        initial = {
            "cause": adjustment.cause,
            "cause_description": adjustment.cause_description,
            "response_plan": adjustment.response_plan,
            "new_goal": adjustment.new_goal,
        }
        for row in adjustment.indicators.all():
            initial[f"target_{row.indicator_id}"] = row.new_target
        return initial


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label="审批意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="不同意时必填，写明理由。",
    )
