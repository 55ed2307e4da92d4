from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.core.fields import IsoDateInput
from jixiao.monitoring.models import NARRATIVE_FIELDS


class ExplanationForm(forms.Form):
    """书面说明材料: the seven points of 第十条 for the whole unit."""

    def __init__(self, *args, submission, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in NARRATIVE_FIELDS:
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                initial=getattr(submission, name),
                widget=forms.Textarea(attrs={"rows": 3}),
            )


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionForm(forms.Form):
    due_date = forms.DateField(label=_("新的截止日期"), widget=IsoDateInput)
    reason = forms.CharField(label=_("延期原因"), max_length=200)
