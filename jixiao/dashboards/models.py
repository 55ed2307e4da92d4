from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.notifications.models import Transition


class DistrictReport(models.Model):
    """全区预算绩效运行监控情况报告 of one annual cycle: drafted from the data, edited in Word, versioned."""

    cycle = models.OneToOneField(
        "monitoring.MonitoringCycle", on_delete=models.PROTECT, related_name="district_report"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("全区监控情况报告")
        verbose_name_plural = _("全区监控情况报告")

    def __str__(self):
        return f"{self.cycle} 全区监控情况报告"


class VersionSource(models.TextChoices):
    DRAFTED = "drafted", _("系统起草")
    UPLOADED = "uploaded", _("上传修改稿")


class DistrictReportVersion(models.Model):
    """One version of the report's Word file: drafted by the system, or an edited version uploaded."""

    report = models.ForeignKey(DistrictReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    source = models.CharField(_("来源"), max_length=16, choices=VersionSource.choices)
    file = models.FileField(_("报告文件"), upload_to="district_reports/%Y/")
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报告版本")
        verbose_name_plural = _("报告版本")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="district_report_version_once")
        ]

    def __str__(self):
        return f"第 {self.number} 版"


class DistrictReportTransition(Transition):
    """A step of the report's 办理记录: a version drafted or uploaded."""

    subject = models.ForeignKey(DistrictReport, on_delete=models.CASCADE, related_name="transitions")

    class Meta(Transition.Meta):
        verbose_name = _("报告办理记录")
        verbose_name_plural = _("报告办理记录")
