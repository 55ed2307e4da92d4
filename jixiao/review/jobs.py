"""Background jobs of the review: 附件2 of a unit as Excel or Word."""

from django.http import Http404

from jixiao.jobs.registry import job_kind
from jixiao.review.documents import FEEDBACK_FILES, feedback_filename
from jixiao.review.models import Feedback
from jixiao.review.selectors import feedback_get
from jixiao.review.services import feedback_export

KIND_LABELS = {"xlsx": "Excel", "docx": "Word"}


def feedback_of(user, params: dict) -> Feedback:
    """The 附件2 of the job, read through the person's scope (another unit's id is a 404)."""
    if params.get("kind") not in FEEDBACK_FILES:
        raise Http404
    return feedback_get(user=user, pk=params["feedback"])


def feedback_export_params(feedback: Feedback, kind: str) -> dict:
    return {
        "feedback": feedback.pk,
        "kind": kind,
        "unit_name": feedback.organisation.name,
        "year": feedback.cycle.year,
    }


@job_kind(
    "review.feedback_export",
    describe=lambda params: (
        f"导出综合意见反馈表（{KIND_LABELS.get(params['kind'], params['kind'])}）："
        f"{params['unit_name']} {params['year']}年度"
    ),
    check=feedback_of,
)
def feedback_file(run) -> None:
    feedback = feedback_of(run.user, run.params)
    kind = run.params["kind"]
    run.progress(0, 1, step="生成综合意见反馈表")
    with run.result_file(feedback_filename(feedback, kind), FEEDBACK_FILES[kind][1]) as target:
        feedback_export(feedback=feedback, kind=kind, acting_user=run.user, target=target)
