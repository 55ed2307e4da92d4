from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoadKind(models.TextChoices):
    PROJECTS = "projects", _("项目与预算")
    PAYMENTS = "payments", _("月度支付与用款计划")
    TARGETS = "targets", _("绩效目标与指标")
    ORGANISATIONS = "organisations", _("机构")
    ACCOUNTS = "accounts", _("人员账号")


class LoadStatus(models.TextChoices):
    PREVIEWED = "previewed", _("待确认")
    REJECTED = "rejected", _("有错误，未加载")
    APPLIED = "applied", _("已加载")


class LoadRun(models.Model):
    """One file handed to a loader: previewed first, applied on confirmation (or rejected with its errors).

    The file's bytes are kept until it is applied so that the confirmation loads exactly the previewed
    file; the checksum, counts and diff stay as the load's history.
    """

    kind = models.CharField(_("数据类型"), max_length=20, choices=LoadKind.choices)
    status = models.CharField(_("状态"), max_length=16, choices=LoadStatus.choices)
    filename = models.CharField(_("文件名"), max_length=200)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("文件内容"), editable=False)
    options = models.JSONField(_("选项"), default=dict, blank=True)
    counts = models.JSONField(_("数量"), default=dict, blank=True)
    diff = models.JSONField(_("变化明细"), default=dict, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    applied_at = models.DateTimeField(_("加载时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("数据加载记录")
        verbose_name_plural = _("数据加载记录")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.filename}"


class ColumnMapping(models.Model):
    """A mapping of a source's unrecognised headers to our columns, remembered per loader and header row."""

    kind = models.CharField(_("数据类型"), max_length=20, choices=LoadKind.choices)
    signature = models.CharField(_("表头特征"), max_length=64)
    headers = models.JSONField(_("表头"), default=list)
    mapping = models.JSONField(_("对应关系"), default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("列对应关系")
        verbose_name_plural = _("列对应关系")
        constraints = [
            models.UniqueConstraint(fields=["kind", "signature"], name="column_mapping_unique_source")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.signature[:8]}"
