"""Background jobs of the loads: applying a confirmed file (a budget year's projects or a month's payments,
with the warnings they touch recomputed), which can take minutes."""

from django.urls import reverse

from jixiao.core.errors import ServiceError
from jixiao.jobs.registry import job_kind
from jixiao.loads.models import LoadRun
from jixiao.loads.parsing import LoadRefused
from jixiao.loads.selectors import load_run_get
from jixiao.loads.services import APPLY_JOB, load_apply


def _load_of(user, params: dict) -> LoadRun:
    """The load of the job, among those the person may load (another person's kind is a 404)."""
    return load_run_get(user=user, pk=params["run"])


@job_kind(
    APPLY_JOB,
    describe=lambda params: f"加载{params['kind']}：{params['filename']}",
    check=_load_of,
    result_page=lambda params: ("查看加载结果", reverse("loads:detail", args=[params["run"]])),
)
def apply(run) -> None:
    try:
        load_apply(
            run=_load_of(run.user, run.params),
            checksum=run.params["checksum"],
            acting_user=run.user,
            progress=run.progress,
        )
    except LoadRefused as exc:
        raise ServiceError(f"未加载：{exc.problems[0]}") from exc
