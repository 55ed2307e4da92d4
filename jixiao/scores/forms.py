from django import forms

from jixiao.scores.models import ScoreScheme
from jixiao.scores.services import SCHEME_FIELDS


class SchemeForm(forms.ModelForm):
    """The cycle's weights and deductions; the rules that tie them together are the service's."""

    class Meta:
        model = ScoreScheme
        fields = SCHEME_FIELDS
