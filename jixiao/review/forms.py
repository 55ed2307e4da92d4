from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.core.fields import LenientDateField
from jixiao.monitoring.models import WarningLevel
from jixiao.review.selectors import review_unit_list, reviewed_projects, unit_projects


def _project_label(project) -> str:
    return f"{project.code} {project.name}（{project.owner.name}）"


class RankingFilterForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None, required=False, empty_label=_("全部单位"))
    level = forms.ChoiceField(
        label=_("预警等级"),
        required=False,
        choices=[
            ("", _("全部等级")),
            (WarningLevel.RED, _("红色")),
            (WarningLevel.YELLOW, _("黄色")),
            (WarningLevel.GREEN, _("绿色")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = review_unit_list(user=user).order_by("code")

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"unit": data.get("unit"), "level": data.get("level", "")}


class SampleForm(forms.Form):
    size = forms.IntegerField(label=_("抽取项目数"), min_value=1, max_value=10000)


class ManualPickForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("项目编码"),
        queryset=None,
        to_field_name="code",
        widget=forms.TextInput(attrs={"placeholder": "如 2026-P1-01"}),
        error_messages={"invalid_choice": _("没有找到该编码的项目，或其监控材料尚未报送至区财政局。")},
    )

    def __init__(self, *args, user, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = reviewed_projects(user=user, cycle=cycle)


class OpinionForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("项目"), queryset=None, required=False, empty_label=_("（单位整体意见）")
    )
    problem = forms.CharField(label=_("发现的主要问题"), widget=forms.Textarea(attrs={"rows": 3}))
    requirement = forms.CharField(label=_("整改意见及要求"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, unit, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (
            unit_projects(unit=unit, cycle=cycle).select_related("owner").order_by("owner__code", "code")
        )
        self.fields["project"].label_from_instance = _project_label


class FeedbackTextForm(forms.Form):
    counterpart_opinion = forms.CharField(
        label=_("对口服务股室审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    overall_opinion = forms.CharField(
        label=_("综合意见"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class FeedbackItemForm(forms.Form):
    """One item of 附件2. The project choices are loaded once per page and shared by every item's form."""

    project = forms.ChoiceField(label=_("项目"), required=False)
    problem = forms.CharField(label=_("监控发现的主要问题"), widget=forms.Textarea(attrs={"rows": 3}))
    requirement = forms.CharField(label=_("整改意见及要求"), widget=forms.Textarea(attrs={"rows": 3}))
    due_date = LenientDateField(label=_("整改时限"))

    def __init__(self, *args, projects: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.projects = {str(project.pk): project for project in projects}
        self.fields["project"].choices = [
            ("", _("（单位整体）")),
            *((key, _project_label(project)) for key, project in self.projects.items()),
        ]

    def clean_project(self):
        return self.projects.get(self.cleaned_data["project"])


def item_project_choices(feedback) -> list:
    """The projects an item of this 附件2 may name: those of the unit's package."""
    return list(
        unit_projects(unit=feedback.organisation, cycle=feedback.cycle)
        .select_related("owner")
        .order_by("owner__code", "code")
    )
