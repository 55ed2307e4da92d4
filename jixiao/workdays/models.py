from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    REST = "rest", _("休息日（不计工作日）")
    WORK = "work", _("工作日（计入工作日）")


class BureauDay(models.Model):
    """A day the bureau itself declares off (or on) over the national calendar, for every working-day
    deadline of the system."""

    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=DayKind.choices)
    note = models.CharField(_("说明"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("设定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("局定工作日调整")
        verbose_name_plural = _("局定工作日调整")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()}"
