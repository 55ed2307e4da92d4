"""The web form of 附件1: one form for the report, one prefixed form per indicator."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.core.fields import LenientDateField, LenientDecimalField, WanField
from jixiao.core.uploads import MultipleFileField
from jixiao.monitoring import plausibility
from jixiao.monitoring.evaluation import indicator_figures
from jixiao.monitoring.models import (
    DEVIATION_FIELDS,
    NARRATIVE_FIELDS,
    AnalysisReport,
    IndicatorEntry,
    MonitoringCycle,
)
from jixiao.projects.models import Indicator, ValueType


def _bounds(model, name: str) -> dict:
    """The size a number field accepts: that of the model field it is stored in (one place for both)."""
    model_field = model._meta.get_field(name)
    return {"max_digits": model_field.max_digits, "decimal_places": model_field.decimal_places}


class ReadOnlyMixin:
    def make_read_only(self) -> None:
        """Shown to people who may read but not change the report: every field disabled."""
        for field in self.fields.values():
            field.disabled = True


def _text(label, rows=2):
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}))


class ReportForm(ReadOnlyMixin, forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    projected_fiscal = WanField(
        label=_("全年预计执行数·财政拨款（万元）"),
        required=False,
        min_value=0,
        **_bounds(AnalysisReport, "projected_fiscal"),
    )
    projected_other = WanField(
        label=_("全年预计执行数·其他资金（万元）"),
        required=False,
        min_value=0,
        **_bounds(AnalysisReport, "projected_other"),
    )
    goal_progress = _text(_("目标完成情况"), rows=4)
    unit_leader_name = forms.CharField(label=_("单位负责人"), required=False, max_length=40)
    finance_leader_name = forms.CharField(label=_("财务负责人"), required=False, max_length=40)
    filler_name = forms.CharField(label=_("填表人"), required=False, max_length=40)
    contact_phone = forms.CharField(label=_("联系电话"), required=False, max_length=40)
    filled_on = LenientDateField(label=_("填报日期"), required=False)

    def __init__(self, *args, report: AnalysisReport | None, cycle: MonitoringCycle, **kwargs):
        self.cycle = cycle
        initial = {"revision": report.revision if report else 0}
        if report:
            initial.update({name: getattr(report, name) for name in self.base_fields if name != "revision"})
            initial.update(
                {name: getattr(report, name) for name, _label in [*NARRATIVE_FIELDS, *DEVIATION_FIELDS]}
            )
            initial["corrective_measures"] = report.corrective_measures
        super().__init__(*args, initial=initial, **kwargs)
        for name, label in NARRATIVE_FIELDS:
            self.fields[name] = _text(label, rows=3)
        for name, label in DEVIATION_FIELDS:
            self.fields[name] = _text(label)
        self.fields["corrective_measures"] = _text(_("纠偏措施"))

    def narrative_fields(self):
        return [self[name] for name, _label in NARRATIVE_FIELDS]

    def deviation_fields(self):
        return [self[name] for name, _label in DEVIATION_FIELDS]

    def clean_filled_on(self):
        filled_on = self.cleaned_data["filled_on"]
        reason = plausibility.date_refusal(filled_on, year=self.cycle.year)
        if reason:
            raise forms.ValidationError(reason)
        return filled_on

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "revision"}


class EntryForm(ReadOnlyMixin, forms.Form):
    """One indicator's row; which fields exist depends on the indicator's value type."""

    likelihood = forms.ChoiceField(
        label=_("完成目标可能性"),
        required=False,
        choices=[("", "—"), *IndicatorEntry._meta.get_field("likelihood").choices],
    )
    corrective_measures = _text(_("纠偏措施"))
    remark = forms.CharField(label=_("备注"), required=False, max_length=500)

    def __init__(
        self, *args, indicator: Indicator, entry: IndicatorEntry | None, cycle: MonitoringCycle, **kwargs
    ):
        self.indicator = indicator
        self.cycle = cycle
        super().__init__(*args, prefix=f"i{indicator.pk}", **kwargs)
        value_type = indicator.value_type
        if value_type in (ValueType.NUMBER, ValueType.PERCENT):
            percent = value_type == ValueType.PERCENT
            for name, label in plausibility.NUMBER_FIELDS:
                self.fields[name] = LenientDecimalField(
                    label=label, required=False, percent=percent, **_bounds(IndicatorEntry, name)
                )
        elif value_type == ValueType.DATE:
            self.fields["actual_date"] = LenientDateField(label=_("实际完成日期"), required=False)
            self.fields["projected_date"] = LenientDateField(label=_("预计完成日期"), required=False)
        else:
            self.fields["actual_text"] = _text(_("实际完成情况"))
            self.fields["self_assessment"] = forms.ChoiceField(
                label=_("自评"),
                required=False,
                choices=[("", "—"), *IndicatorEntry._meta.get_field("self_assessment").choices],
            )
        for name, label in DEVIATION_FIELDS:
            self.fields[name] = _text(label)
        if entry is not None and not self.is_bound:
            for name in self.fields:
                self.initial[name] = getattr(entry, name)

    def deviation_fields(self):
        return [self[name] for name, _label in DEVIATION_FIELDS]

    def clean(self):
        cleaned = super().clean()
        figures = indicator_figures(self.indicator, IndicatorEntry(**cleaned))
        for name, reason in plausibility.entry_refusals(figures, year=self.cycle.year).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, reason)
        return self.cleaned_data

    def values(self) -> dict:
        return dict(self.cleaned_data)


class ImportForm(forms.Form):
    files = MultipleFileField(label=_("填好的附件1工作簿（.xlsx，可多选）"))
