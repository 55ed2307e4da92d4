from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.audit.services import audit_record
from jixiao.monitoring.models import THRESHOLD_FIELDS, MonitoringCycle, default_due_dates
from jixiao.monitoring.recompute import cycle_recompute_warnings


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
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="cycle.change" if change else "cycle.open",
            target=obj,
            changes={name: str(form.cleaned_data.get(name)) for name in form.changed_data},
        )
        if change and set(form.changed_data) & set(THRESHOLD_FIELDS):
            stats = cycle_recompute_warnings(obj)
            self.message_user(
                request,
                _("预警阈值已修改，已重新计算 %(reports)d 张监控分析表的预警（共 %(warnings)d 条）。")
                % {"reports": stats.reports, "warnings": stats.warnings},
            )

    def has_delete_permission(self, request, obj=None):
        return False
