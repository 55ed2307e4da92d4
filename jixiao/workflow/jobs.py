"""Background jobs of the packages: the 汇总表 and the overall report of a town or first-level unit."""

from django.core.exceptions import ValidationError
from django.http import Http404

from jixiao.core.files import DOCX_TYPE, XLSX_TYPE
from jixiao.jobs.registry import job_kind
from jixiao.monitoring.selectors import cycle_get
from jixiao.workflow.documents import aggregated_table_filename, overall_report_filename
from jixiao.workflow.models import Step, Submission
from jixiao.workflow.selectors import package_unit_get
from jixiao.workflow.services import aggregated_table_export, overall_report_export, submission_for


def package_of(user, params: dict) -> Submission:
    """The package of the job, read through the person's scope (another unit's id is a 404)."""
    cycle = cycle_get(user=user, pk=params["cycle"])
    unit = package_unit_get(user=user, pk=params["unit"])
    try:
        return submission_for(organisation=unit, cycle=cycle)
    except ValidationError as exc:
        raise Http404 from exc


def bureau_package_of(user, params: dict) -> Submission:
    """A package sent to the bureau (step 2): only those have an overall report."""
    submission = package_of(user, params)
    if submission.step != Step.UNIT_TO_BUREAU:
        raise Http404
    return submission


def package_export_params(submission: Submission) -> dict:
    return {
        "cycle": submission.cycle_id,
        "unit": submission.organisation_id,
        "unit_name": submission.organisation.name,
        "period": submission.cycle.period_label,
    }


@job_kind(
    "workflow.aggregated_table",
    describe=lambda params: f"导出汇总表：{params['unit_name']} {params['period']}",
    check=package_of,
)
def aggregated_table(run) -> None:
    submission = package_of(run.user, run.params)
    run.progress(0, 1, step="生成汇总表")
    with run.result_file(aggregated_table_filename(submission), XLSX_TYPE) as target:
        aggregated_table_export(submission=submission, acting_user=run.user, target=target)


@job_kind(
    "workflow.overall_report",
    describe=lambda params: f"导出整体绩效运行监控分析报告：{params['unit_name']} {params['period']}",
    check=bureau_package_of,
)
def overall_report(run) -> None:
    submission = bureau_package_of(run.user, run.params)
    run.progress(0, 1, step="生成整体报告")
    with run.result_file(overall_report_filename(submission), DOCX_TYPE) as target:
        overall_report_export(submission=submission, acting_user=run.user, target=target)
