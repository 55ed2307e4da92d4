from django import forms

from jixiao.core.fields import IsoDateInput
from jixiao.workdays.models import DayKind


class BureauDayForm(forms.Form):
    day = forms.DateField(label="日期", widget=IsoDateInput(attrs={"class": "narrow"}))
    kind = forms.ChoiceField(label="类型", choices=DayKind.choices)
    note = forms.CharField(label="说明", max_length=100, required=False)
