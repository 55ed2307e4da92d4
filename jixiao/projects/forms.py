from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.organisations.selectors import organisation_list
from jixiao.projects.models import ProjectType
from jixiao.projects.selectors import ProjectFilters


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("项目名称或编码"), required=False, max_length=100)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None, required=False, empty_label=_("全部单位"))
    scope = forms.ChoiceField(
        label=_("范围"), required=False, choices=[("all", _("含下属单位")), ("own", _("仅本级"))]
    )
    project_type = forms.ChoiceField(
        label=_("项目类型"), required=False, choices=[("", _("全部类型")), *ProjectType.choices]
    )
    level = forms.ChoiceField(
        label=_("预警等级"),
        required=False,
        choices=[
            ("", _("全部等级")),
            ("red", _("红色")),
            ("yellow", _("黄色")),
            ("green", _("绿色")),
            ("none", _("未填报")),
        ],
    )
    key_only = forms.BooleanField(label=_("仅重点项目"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = organisation_list(user=user).order_by("path")
        self.fields["unit"].label_from_instance = lambda unit: (
            f"　{unit.name}" if unit.parent_id else unit.name
        )

    def to_filters(self) -> ProjectFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return ProjectFilters(
            year=data.get("year"),
            unit=data.get("unit"),
            include_subordinates=data.get("scope") != "own",
            project_type=data.get("project_type", ""),
            key_only=data.get("key_only", False),
            text=(data.get("q") or "").strip(),
        )

    def warning_level(self) -> str:
        """The warning level asked for ("none": projects not yet reported), applied by the monitoring list."""
        return self.cleaned_data.get("level", "") if self.is_valid() else ""
