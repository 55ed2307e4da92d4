from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.core.fields import LenientDateField
from jixiao.core.search import text_within
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
# How many projects one search of the project field offers (the shared `<datalist>` holds only these).
PROJECT_MATCHES = 20


def project_choice_text(project) -> str:
    """How a project is written in the searchable project field: its code, then its name."""
    return f"{project.code} {project.name}"


def typed_code(text: str) -> str:
    """The project code at the start of what was typed or picked (`2026-001 项目名称` → `2026-001`)."""
    return text.strip().split()[0] if text.strip() else ""


class FeedbackItemForm(forms.Form):
    """One item of 附件2. The project is typed, and picked from one shared list (`<datalist>`) that a search
    fills with a few matches as one types, found by its code: the page never lists the unit's projects."""

    project = forms.CharField(label=_("项目"), required=False)
    problem = forms.CharField(label=_("监控发现的主要问题"), widget=forms.Textarea(attrs={"rows": 3}))
    requirement = forms.CharField(label=_("整改意见及要求"), widget=forms.Textarea(attrs={"rows": 3}))
    due_date = LenientDateField(label=_("整改时限"))
    remove = forms.BooleanField(label=_("删除"), required=False)

    def __init__(self, *args, projects: dict, search_url: str, example=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.projects = projects
        self.fields["project"].widget.attrs.update(
            {
                "list": PROJECT_LIST_ID,
                "autocomplete": "off",
                "placeholder": f"输入编码或名称搜索，如 {project_choice_text(example)}；留空为单位整体"
                if example
                else "留空为单位整体",
                "hx-get": search_url,
                "hx-vals": "js:{q: this.value}",
                "hx-trigger": "input changed delay:250ms, focus once",
                "hx-target": f"#{PROJECT_LIST_ID}",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )

    def clean_project(self):
        text = self.cleaned_data["project"].strip()
        if not text:
            return None
        project = self.projects.get(typed_code(text))
        if project is None:
            raise forms.ValidationError(
                _("没有找到“%(text)s”：请从列表中选择本单位报送区财政局的项目，或留空表示单位整体。"),
                params={"text": text},
            )
        return project

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("project", "problem", "requirement", "due_date")}

    def inputs(self) -> "ItemInputs":
        """The row as typed, with its errors, to show again after a failed save."""
        shown = {
            name: self[name].field.widget.format_value(self[name].value()) or ""
            for name in ("project", "problem", "requirement", "due_date")
        }
        return ItemInputs(
            prefix=self.prefix, shown=shown | {"remove": bool(self["remove"].value())}, errors=self.errors
        )


@dataclass(frozen=True)
class ItemInputs:
    """What one row of the problem table shows: its inputs' prefix, values and errors. The table writes its
    inputs directly (hundreds of rows, no form or widget template per row); a save validates the rows
    with `FeedbackItemForm`."""

    prefix: str
    shown: dict
    errors: dict = field(default_factory=dict)

    @classmethod
    def of(cls, item) -> "ItemInputs":
        return cls(
            prefix=f"item-{item.pk}",
            shown={
                "project": project_choice_text(item.project) if item.project else "",
                "problem": item.problem,
                "requirement": item.requirement,
                "due_date": item.due_date.isoformat(),
                "remove": False,
            },
        )


def _package_projects(feedback):
    return unit_projects(unit=feedback.organisation, cycle=feedback.cycle)


def item_projects_named(feedback, texts) -> dict:
    """The projects of the unit's package named by the typed texts, by code, in one query."""
    codes = {typed_code(text) for text in texts} - {""}
    if not codes:
        return {}
    return {p.code: p for p in _package_projects(feedback).filter(code__in=codes).select_related("owner")}


def item_project_example(feedback):
    """The first project of the unit's package, shown in the placeholder as an example of what to type."""
    return _package_projects(feedback).order_by("owner__code", "code").first()


def item_project_matches(feedback, text: str) -> list:
    """At most `PROJECT_MATCHES` projects of the unit's package whose code or name contains the text, or
    whose option (`code name`) does, read within the package whatever the size of the district."""
    projects = _package_projects(feedback).select_related("owner").order_by("owner__code", "code")
    text = text.strip()
    if text:
        projects = projects.filter(text_within(text, ["code", "name"]))
    return list(projects[:PROJECT_MATCHES])
