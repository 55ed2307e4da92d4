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
        widget=forms.TextInput,
        error_messages={"invalid_choice": _("没有找到该编码的项目，或其监控材料尚未报送至区财政局。")},
    )

    def __init__(self, *args, user, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        projects = reviewed_projects(user=user, cycle=cycle)
        self.fields["project"].queryset = projects
        example = projects.order_by("code").values_list("code", flat=True).first() or "2026-128006-006"
        self.fields["project"].widget.attrs["placeholder"] = f"如 {example}"


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


PROJECT_LIST_ID = "feedback-projects"


def project_choice_text(project) -> str:
    """How a project is written in the searchable project field: its code, then its name."""
    return f"{project.code} {project.name}"


class FeedbackItemForm(forms.Form):
    """One item of 附件2. The project is typed or picked from one shared list (`<datalist>`), found by its
    code, so the page does not repeat every project of the unit for every item."""

    project = forms.CharField(label=_("项目"), required=False)
    problem = forms.CharField(label=_("监控发现的主要问题"), widget=forms.Textarea(attrs={"rows": 3}))
    requirement = forms.CharField(label=_("整改意见及要求"), widget=forms.Textarea(attrs={"rows": 3}))
    due_date = LenientDateField(label=_("整改时限"))
    remove = forms.BooleanField(label=_("删除"), required=False)

    def __init__(self, *args, projects: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.projects = {project.code: project for project in projects}
        example = projects[0] if projects else None
        self.fields["project"].widget.attrs.update(
            {
                "list": PROJECT_LIST_ID,
                "autocomplete": "off",
                "placeholder": f"输入编码或名称搜索，如 {project_choice_text(example)}；留空为单位整体"
                if example
                else "留空为单位整体",
            }
        )

    def clean_project(self):
        text = self.cleaned_data["project"].strip()
        if not text:
            return None
        project = self.projects.get(text.split()[0])
        if project is None:
            raise forms.ValidationError(
                _("没有找到“%(text)s”：请从列表中选择本单位报送区财政局的项目，或留空表示单位整体。"),
                params={"text": text},
            )
        return project

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("project", "problem", "requirement", "due_date")}


def item_project_choices(feedback) -> list:
    """The projects an item of this 附件2 may name: those of the unit's package."""
    return list(
        unit_projects(unit=feedback.organisation, cycle=feedback.cycle)
        .select_related("owner")
        .order_by("owner__code", "code")
    )
