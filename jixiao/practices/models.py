from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.notifications.models import Transition


class PracticeSource(models.TextChoices):
    """Where the unit wrote its 创新做法与可推广经验 (第十条(七)): a project's 附件1, or a second-level
    unit's 书面说明材料 (the town's and first-level unit's overall report is free text without that part)."""

    REPORT = "report", _("监控分析表（附件1）")
    EXPLANATION = "explanation", _("书面说明材料")


class PracticeState(models.TextChoices):
    PROMOTED = "promoted", _("值得推广")
    WITHDRAWN = "withdrawn", _("已取消推广")


class Practice(models.Model):
    """A unit's innovative practice the bureau marked as worth promoting, with the text as it was marked.

    One row per source: unmarking keeps the row (and its 办理记录) and marking again reuses it.
    """

    cycle = models.ForeignKey(
        "monitoring.MonitoringCycle", verbose_name=_("监控周期"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="practices",
    )
    source = models.CharField(_("来源"), max_length=16, choices=PracticeSource.choices)
    report = models.OneToOneField(
        "monitoring.AnalysisReport",
        verbose_name=_("监控分析表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="practice",
    )
    submission = models.OneToOneField(
        "workflow.Submission",
        verbose_name=_("书面说明材料"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="practice",
    )
    text = models.TextField(_("创新做法与可推广经验"))
    note = models.TextField(_("推荐意见"), blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=PracticeState.choices, default=PracticeState.PROMOTED
    )
    marked_at = models.DateTimeField(_("列入时间"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("列入人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("可推广经验")
        verbose_name_plural = _("可推广经验")
        ordering = ["-marked_at", "-id"]
        indexes = [models.Index(fields=["cycle", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(source="report") & Q(report__isnull=False) & Q(submission__isnull=True))
                | (Q(source="explanation") & Q(submission__isnull=False) & Q(report__isnull=True)),
                name="practice_one_source",
            )
        ]

    def __str__(self):
        return f"{self.organisation} · {self.get_source_display()}"

    @property
    def is_promoted(self) -> bool:
        return self.state == PracticeState.PROMOTED


class PracticeTransition(Transition):
    """One step in a practice's 办理记录: marked, unmarked."""

    subject = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="transitions")

    class Meta(Transition.Meta):
        verbose_name = _("可推广经验办理记录")
        verbose_name_plural = _("可推广经验办理记录")
