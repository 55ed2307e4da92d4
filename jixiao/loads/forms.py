from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.loads.models import LoadKind
from jixiao.organisations.models import Organisation, OrganisationKind
from jixiao.projects.models import Project
from jixiao.projects.services import PROJECT_DETAIL_FIELDS


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("数据类型"), choices=LoadKind.choices)
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))


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
