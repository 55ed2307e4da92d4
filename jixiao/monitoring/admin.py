from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jixiao.monitoring.models import MonitoringCycle, default_due_dates
from jixiao.monitoring.services import cycle_open, cycle_update

# What cycle_open takes by name; every other field of the form is one of its `settings`.
OPEN_ARGUMENTS = ["year", "kind", "organisation", "period_end_month", "name"]


@admin.register(MonitoringCycle)
class MonitoringCycleAdmin(admin.ModelAdmin):
    """The bureau's calendar and warning rules per cycle; new cycles start from the regulation's dates."""

    list_display = ["name", "year", "kind", "period_end_month", "status", "due_unit_to_bureau"]
    list_filter = ["kind", "status", "year"]
    fieldsets = [
        (None, {"fields": ["name", "year", "kind", "organisation", "period_end_month", "status"]}),
        (
            _("工作日程（默认按第十一条、第十三条）"),
            {
                "fields": [
                    "due_unit_to_primary",
                    "due_unit_to_bureau",
                    "due_supervision_review",
                    "due_feedback_issue",
                    "due_rectification_report",
                    "due_rectification_complete",
                ]
            },
        ),
        (
            _("预警阈值"),
            {
                "fields": [
                    ("exec_lag_red_pp", "exec_lag_yellow_pp"),
                    ("exec_zero_min_progress_pct", "projected_low_pct"),
                    ("indicator_lag_red_pp", "indicator_lag_yellow_pp"),
                    ("shortfall_red_pct", "excess_red_pct"),
                    ("over_target_note_pct", "output_spend_mismatch_pp", "output_ratio_cap_pct"),
                    "disposition_working_days",
                ]
            },
        ),
    ]
    autocomplete_fields = ["organisation"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        try:
            year = int(request.GET.get("year", ""))
        except ValueError:
            year = timezone.localdate().year
        return {"year": year, **default_due_dates(year), **initial}

    def save_model(self, request, obj, form, change):
        """New cycles go through `cycle_open`, changes through `cycle_update` (which queues the recompute
        of the cycle's warnings when a threshold changed)."""
        if not change:
            data = form.cleaned_data
            cycle = cycle_open(
                acting_user=request.user,
                **{name: data[name] for name in OPEN_ARGUMENTS},
                settings={name: data[name] for name in data if name not in OPEN_ARGUMENTS},
            )
            obj.pk = cycle.pk
            obj._state.adding = False
            return
        update = cycle_update(
            cycle=obj,
            values={name: form.cleaned_data[name] for name in form.changed_data},
            acting_user=request.user,
        )
        if update.recompute is not None:
            self.message_user(
                request,
                format_html(
                    "预警阈值已修改，本周期全部监控分析表的预警正在后台重新计算，完成后会通知您。"
                    '<a href="{}">查看进度</a>',
                    reverse("jobs:detail", args=[update.recompute.pk]),
                ),
            )

    def has_delete_permission(self, request, obj=None):
        return False
