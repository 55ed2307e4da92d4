"""Oversight actions (第九条, 第十二条): what the bureau checks on a project, a unit or the rectification of
earlier findings, who checks it (its own staff or an entrusted agency), what was found, and which
rectification items the findings opened.

The links to rectification items live here: the rectification register knows only that an item came from
监督检查, never which action found it.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jixiao.notifications.models import Transition
from jixiao.organisations.models import OrganisationKind


class OversightKind(models.TextChoices):
    ONSITE = "onsite", _("实地核查")
    SPOT_CHECK = "spot_check", _("数据抽查")
    ENTRUSTED = "entrusted", _("委托跟踪监控")
    INQUIRY = "inquiry", _("问询")
    SUPERVISION = "supervision", _("督导")


class OversightTarget(models.TextChoices):
    PROJECT = "project", _("项目")
    UNIT = "unit", _("单位")
    RECTIFICATION = "rectification", _("前期问题整改")


class OversightState(models.TextChoices):
    PLANNED = "planned", _("已计划")
    IN_PROGRESS = "in_progress", _("实施中")
    FINDINGS = "findings", _("已记录发现")
    CLOSED = "closed", _("已办结")


class Severity(models.TextChoices):
    MINOR = "minor", _("一般")
    MAJOR = "major", _("较重")
    SEVERE = "severe", _("严重")


class OversightAction(models.Model):
    """One planned and then carried-out check; `organisation` is always the unit checked (the project's
    owner, or the unit of the rectification item), so every read is scoped through it."""

    kind = models.CharField(_("方式"), max_length=16, choices=OversightKind.choices)
    target = models.CharField(_("对象类型"), max_length=16, choices=OversightTarget.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("被检查单位"),
        on_delete=models.PROTECT,
        related_name="oversight_actions",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="oversight_actions",
    )
    rectification_item = models.ForeignKey(
        "rectification.RectificationItem",
        verbose_name=_("核查的整改事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.TextField(_("检查内容"))
    internal_note = models.TextField(_("内部备注"), blank=True, help_text=_("仅区财政局可见。"))
    planned_start = models.DateField(_("计划开始日期"))
    planned_end = models.DateField(_("计划结束日期"))
    actual_start = models.DateField(_("实际开始日期"), null=True, blank=True)
    actual_end = models.DateField(_("实际结束日期"), null=True, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人员"), blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("受托机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entrusted_oversight_actions",
        limit_choices_to={"kind": OrganisationKind.AGENCY},
    )
    answer = models.TextField(_("单位答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    conclusion = models.TextField(_("办结意见"), blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=OversightState.choices, default=OversightState.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("计划人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("计划时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("监督检查")
        verbose_name_plural = _("监督检查")
        ordering = ["-planned_start", "-id"]
        indexes = [
            models.Index(fields=["organisation", "state"]),
            models.Index(fields=["agency", "state"]),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("oversight:detail", args=[self.pk])

    @property
    def number(self) -> str:
        """编号: the planning year and the id, so it never collides and never changes."""
        year = self.created_at.year if self.created_at else ""
        return f"监督〔{year}〕{self.pk}号"

    @property
    def target_label(self) -> str:
        if self.target == OversightTarget.PROJECT and self.project_id:
            return f"{self.project.name}（{self.project.code}）"
        if self.target == OversightTarget.RECTIFICATION and self.rectification_item_id:
            return f"{self.organisation.name}：{self.rectification_item.source_label}的整改"
        return self.organisation.name

    @property
    def state_css(self) -> str:
        """The site's state badge of the same meaning (new, in progress, answered, done)."""
        return {
            OversightState.PLANNED: "open",
            OversightState.IN_PROGRESS: "submitted",
            OversightState.FINDINGS: "responded",
            OversightState.CLOSED: "accepted",
        }[self.state]


class OversightTransition(Transition):
    """One step in an action's 办理记录: planned, started, finding, answer, file, findings recorded, closed."""

    subject = models.ForeignKey(OversightAction, on_delete=models.CASCADE, related_name="transitions")

    class Meta(Transition.Meta):
        verbose_name = _("监督检查办理记录")
        verbose_name_plural = _("监督检查办理记录")

    @property
    def from_label(self) -> str:
        return OversightState(self.from_state).label if self.from_state in OversightState.values else "（无）"

    @property
    def to_label(self) -> str:
        return OversightState(self.to_state).label if self.to_state in OversightState.values else "（无）"


class Finding(models.Model):
    """A problem the check found, and the rectification items opened for it."""

    action = models.ForeignKey(OversightAction, on_delete=models.CASCADE, related_name="findings")
    text = models.TextField(_("发现的问题"))
    severity = models.CharField(_("严重程度"), max_length=16, choices=Severity.choices)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("涉及项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rectification_items = models.ManyToManyField(
        "rectification.RectificationItem", verbose_name=_("开具的整改事项"), blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查发现")
        verbose_name_plural = _("检查发现")
        ordering = ["recorded_at", "id"]

    def __str__(self):
        return self.text[:30]


class Attachment(models.Model):
    """A file of the action: the check's working papers, an agency's tracking report, a unit's answer."""

    action = models.ForeignKey(OversightAction, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="oversight/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    is_answer = models.BooleanField(_("单位答复材料"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查附件")
        verbose_name_plural = _("检查附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name
