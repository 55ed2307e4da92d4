import re

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "organisation.create": _("新增机构"),
    "organisation.change": _("修改机构"),
    "membership.grant": _("授予岗位"),
    "membership.revoke": _("撤销岗位"),
    "user.create": _("新增用户"),
    "user.change": _("修改用户"),
    "user.password_reset": _("重置密码"),
    "user.password_change": _("修改密码"),
    "user.deactivate": _("停用账号"),
    "user.reactivate": _("启用账号"),
    "cycle.open": _("开启监控周期"),
    "cycle.change": _("修改监控周期"),
    "target_version.create": _("批复绩效目标"),
    "report.save": _("保存监控分析表"),
    "report.export": _("导出监控分析表"),
    "unit.export": _("导出单位全部监控分析表"),
    "report.import": _("导入监控分析表"),
    "report.retarget": _("监控分析表改按新版绩效目标"),
    "submission.explain": _("保存书面说明材料"),
    "submission.submit": _("报送"),
    "submission.withdraw": _("撤回"),
    "submission.open": _("查阅"),
    "submission.sign": _("签收"),
    "submission.return": _("退回补正"),
    "submission.accept": _("审核通过"),
    "submission.overall_report": _("保存整体报告"),
    "submission.extend": _("延期"),
    "package.export": _("导出报送材料"),
    "key_items.sample": _("随机抽取重点审核项目"),
    "key_item.mark": _("列为重点审核项目"),
    "key_item.unmark": _("移出重点审核项目"),
    "opinion.create": _("撰写审核意见"),
    "opinion.delete": _("删除审核意见"),
    "opinion.send": _("审核意见送对口服务股室"),
    "feedback.compose": _("生成综合意见反馈表"),
    "feedback.edit": _("修改审核意见与综合意见"),
    "feedback.item_add": _("增加反馈问题"),
    "feedback.item_edit": _("修改反馈问题"),
    "feedback.item_remove": _("删除反馈问题"),
    "feedback.items_save": _("保存反馈问题清单"),
    "feedback.approve": _("审定综合意见反馈表"),
    "feedback.issue": _("下达综合意见反馈表"),
    "feedback.export": _("导出综合意见反馈表"),
    "rectification.open": _("提出整改事项"),
    "rectification.respond": _("报送整改落实情况"),
    "rectification.start_verification": _("开始核查整改情况"),
    "rectification.verify": _("核查销号"),
    "rectification.send_back": _("整改核查退回"),
    "adjustment.create": _("填写绩效目标调整申请"),
    "adjustment.edit": _("修改绩效目标调整申请"),
    "adjustment.submit": _("报送绩效目标调整申请"),
    "adjustment.approve": _("同意调整绩效目标"),
    "adjustment.refuse": _("不同意调整绩效目标"),
    "evidence.upload": _("上传佐证材料"),
    "disposition.answer": _("答复红色预警处置意见"),
    "disposition.revise": _("修改红色预警处置意见"),
    "disposition.acknowledge": _("受理红色预警处置意见"),
    "funding_list.export": _("导出资金处理建议清单"),
    "workday.set": _("设定局定工作日"),
    "workday.remove": _("删除局定工作日"),
    "evidence.remove": _("删除佐证材料"),
    "funding.suspend": _("暂缓拨款"),
    "funding.stop": _("停止拨款"),
    "funding.resume": _("恢复正常拨款"),
    "funding.export": _("导出暂缓及停止拨款项目清单"),
    "api_token.create": _("创建接口令牌"),
    "api_token.revoke": _("吊销接口令牌"),
    "api_token.use": _("接口令牌调用"),
    "api_token.refused": _("接口令牌调用被拒绝"),
    "violation.register": _("登记违法违规问题"),
    "violation.edit": _("修改违法违规问题"),
    "violation.investigate": _("调查核实违法违规问题"),
    "violation.handle": _("处理违法违规问题"),
    "violation.refer": _("移送司法机关"),
    "violation.close": _("违法违规问题结案"),
    "violation.export": _("导出违法违规问题台账"),
    "oversight.plan": _("安排监督检查"),
    "oversight.edit": _("修改监督检查计划"),
    "oversight.start": _("开始实施监督检查"),
    "oversight.finding": _("记录检查发现"),
    "oversight.answer": _("答复问询"),
    "oversight.findings": _("结束检查"),
    "oversight.close": _("监督检查办结"),
    "oversight.rectification_open": _("根据检查发现开具整改事项"),
    "oversight.attachment_upload": _("上传检查附件"),
    "oversight.attachment_remove": _("删除检查附件"),
    "project.agency_assign": _("委托第三方机构跟踪"),
    "project.agency_unassign": _("取消委托第三方机构跟踪"),
    "practice.mark": _("列为可推广经验"),
    "practice.unmark": _("取消可推广经验"),
    "practice.export": _("导出可推广经验"),
    "score_scheme.change": _("修改监控评分规则"),
    "score.freeze": _("固定监控评分"),
    "score.export": _("导出监控评分"),
    "district_report.draft": _("起草全区监控情况报告"),
    "district_report.upload": _("上传全区监控情况报告修改稿"),
}


NO_STATE = _("（无）")
# The fields whose codes a record's from/to states hold, in the order a model's choices are looked up.
STATE_FIELDS = ("state", "status", "source")
VERSION_CODE = re.compile(r"r?(\d+)")


def state_label(object_type: str, code: str) -> str:
    """A state code as people read it: the label its model's choices give it ("open" of a cycle is
    "进行中", of a rectification item "待整改"), a revision or version number as "第 N 版", "（无）" when empty.
    """
    if not code:
        return str(NO_STATE)
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        model = None
    if model is not None:
        fields = {field.name: field for field in model._meta.get_fields() if getattr(field, "choices", None)}
        for name in (*STATE_FIELDS, *fields):
            choices = dict(fields[name].flatchoices) if name in fields else {}
            if code in choices:
                return str(choices[code])
    if version := VERSION_CODE.fullmatch(code):
        return f"第 {version.group(1)} 版"
    return code


class AuditRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit records are never changed.")

    def delete(self):
        raise PermissionError("Audit records are never deleted.")


class AuditRecord(models.Model):
    """One thing that happened: who did what to which object, from which state to which.

    Append-only: the model refuses updates and deletes, so the trail cannot be rewritten through the ORM.
    """

    occurred_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=80, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("操作人机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=200)
    from_state = models.CharField(_("原状态"), max_length=64, blank=True)
    to_state = models.CharField(_("新状态"), max_length=64, blank=True)
    comment = models.TextField(_("说明"), blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-occurred_at", "-id"]
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The log page reads by keyset on (time, id), newest first; text search has trigram indexes on
            # PostgreSQL (migration 0005).
            models.Index(fields=["-occurred_at", "-id"], name="audit_newest_first"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit records are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit records are never deleted.")

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def from_state_label(self) -> str:
        return state_label(self.object_type, self.from_state)

    @property
    def to_state_label(self) -> str:
        return state_label(self.object_type, self.to_state)
