from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderLog(models.Model):
    """One reminder sent, so that running the daily command twice never sends it twice."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("提醒事项"), max_length=120)
    sent_on = models.DateField(_("日期"))

    class Meta:
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key", "sent_on"], name="reminder_once_a_day")
        ]

    def __str__(self):
        return f"{self.recipient} {self.key} {self.sent_on}"
