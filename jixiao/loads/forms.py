from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.loads.models import LoadKind
from jixiao.loads.policy import DATA_KINDS
from jixiao.organisations.models import Organisation, OrganisationKind
from jixiao.projects.models import Project
from jixiao.projects.services import PROJECT_DETAIL_FIELDS


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("数据类型"), choices=[(kind, label) for kind, label in LoadKind.choices if kind in DATA_KINDS]
    )
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))


class AccountUploadForm(forms.Form):
    file = forms.FileField(label=_("人员账号表（.xlsx 或 .csv）"))


class ProjectDetailsForm(forms.ModelForm):
    agencies = forms.ModelMultipleChoiceField(
        label=_("委托跟踪机构"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.AGENCY, is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Project
        fields = PROJECT_DETAIL_FIELDS
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
