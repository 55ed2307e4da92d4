"""A background job: work too long for a request (exports, loads, recomputes), run once, with progress."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.jobs.registry import KINDS


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


def result_path(job: "Job", filename: str) -> str:
    return f"jobs/{job.token}/{filename}"


def progress_key(job_id: int) -> str:
    """Where a job running inside its own transaction reports its progress (the row would not show it)."""
    return f"jobs:progress:{job_id}"


class Job(models.Model):
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("任务类型"), max_length=64)
    label = models.CharField(_("任务"), max_length=200)
    params = models.JSONField(_("参数"), default=dict)
    # The same job asked for twice while one is queued or running is the same job (a double click).
    params_key = models.CharField(max_length=64)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    state = models.CharField(_("状态"), max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    step = models.CharField(_("当前步骤"), max_length=200, blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    result = models.FileField(_("结果文件"), upload_to=result_path, max_length=300, blank=True)
    result_name = models.CharField(_("文件名"), max_length=200, blank=True)
    result_type = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kind", "params_key"],
                condition=Q(state__in=["queued", "running"]),
                name="job_once_while_active",
            )
        ]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self):
        return self.label

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def result_page(self) -> tuple[str, str] | None:
        """(label, address) of the page that shows the result of a job that leaves no file."""
        kind = KINDS.get(self.kind)
        if self.result or kind is None or kind.result_page is None:
            return None
        return kind.result_page(self.params)

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
