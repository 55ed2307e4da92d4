"""The loads: one service per step (preview, map columns, choose progress types, confirm) and one for the
monthly job's direct load. A confirmation queues a background job (`jobs.py`) that applies the load: its
rows, the recomputed warnings of the reports its amounts touch, one audit record and its history row, all in
one transaction."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit.services import audit_record
from jixiao.core.bulk import insert_rows, update_rows
from jixiao.core.errors import ServiceError
from jixiao.jobs.models import Job
from jixiao.jobs.selectors import job_active_for
from jixiao.jobs.services import job_start, params_key_of
from jixiao.loads.accounts import apply_accounts, plan_accounts
from jixiao.loads.columns import COLUMNS, signature_of
from jixiao.loads.models import ColumnMapping, LoadKind, LoadRun, LoadStatus
from jixiao.loads.parsing import IGNORE, LoadRefused, Problem, Table, find_table
from jixiao.loads.plans import PLANNERS as DATA_PLANNERS
from jixiao.loads.plans import PROJECT_COLUMNS, Plan, apply_staged_payments, chunks
from jixiao.loads.policy import can_load, can_load_accounts
from jixiao.monitoring.models import AnalysisReport, MonitoringCycle
from jixiao.monitoring.recompute import cycle_recompute_warnings
from jixiao.monitoring.rollup import project_owners_by_year, rollup_refresh_owners, rollup_refresh_projects
from jixiao.monitoring.services import report_recompute
from jixiao.organisations.models import Organisation
from jixiao.organisations.services import organisation_save
from jixiao.projects.models import Project, ProjectMonth
from jixiao.projects.services import target_versions_load

# The background job that applies a confirmed load (`jobs.py`).
APPLY_JOB = "loads.apply"
# Above this many affected reports, each affected cycle is recomputed in one batch instead.
PER_REPORT_RECOMPUTE_LIMIT = 300
BATCH = 1000
PLANNERS = {**DATA_PLANNERS, LoadKind.ACCOUNTS: plan_accounts}


@dataclass
class Outcome:
    """What reading and planning a file gave: the plan, or the problems that refuse it."""

    table: Table | None = None
    plan: Plan | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.plan is not None


def checksum_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def remembered_mapping(kind: str):
    def mapping_of(signature: str) -> dict:
        stored = ColumnMapping.objects.filter(kind=kind, signature=signature).first()
        return stored.mapping if stored else {}

    return mapping_of


def plan_file(*, kind: str, filename: str, data: bytes, options: dict | None = None) -> Outcome:
    """Read and plan a file without writing anything (the dry run)."""
    table = None
    try:
        table = find_table(data, filename, COLUMNS[kind], remembered_mapping(kind))
        plan = PLANNERS[kind](table, options or {})
        if kind == LoadKind.ORGANISATIONS:
            _try_organisations(plan)
        return Outcome(table=table, plan=plan)
    except LoadRefused as exc:
        return Outcome(table=exc.table or table, problems=exc.problems)


def _try_organisations(plan: Plan) -> None:
    """The tree's rules (cycles, kind changes that strand children or staff) are checked by saving the
    organisations in a transaction that is rolled back."""
    with transaction.atomic():
        _apply_organisations(plan, run=None, acting_user=None)
        transaction.set_rollback(True)


def _check_actor(acting_user, kind: str) -> None:
    """`acting_user` None is the scheduled job run by the operator; a person must be a data manager, or
    for account sheets the system administrator."""
    if acting_user is None:
        return
    if kind == LoadKind.ACCOUNTS:
        if not can_load_accounts(acting_user):
            raise PermissionDenied("只有系统管理员可以加载人员账号。")
    elif not can_load(acting_user):
        raise PermissionDenied("只有区财政局的数据管理岗可以加载数据。")


def _record_outcome(run: LoadRun, outcome: Outcome) -> None:
    table = outcome.table
    run.options = {
        **run.options,
        "headers": table.headers if table else [],
        "unknown": table.unknown if table else [],
        "matched": sorted(table.columns) if table else [],
    }
    if outcome.ok:
        run.status = LoadStatus.PREVIEWED
        run.counts = outcome.plan.counts
        run.diff = outcome.plan.diff()
        run.fingerprint = outcome.plan.fingerprint
        run.errors = []
    else:
        run.status = LoadStatus.REJECTED
        run.counts, run.diff, run.fingerprint = {}, {}, ""
        run.errors = [p.as_dict() for p in outcome.problems[:500]]
        if len(outcome.problems) > 500:
            run.errors.append({"message": f"另有 {len(outcome.problems) - 500} 处问题未列出。"})


@transaction.atomic
def load_preview(*, kind: str, filename: str, data: bytes, acting_user) -> LoadRun:
    """Keep an uploaded file and what it would do; nothing else is written until it is confirmed."""
    _check_actor(acting_user, kind)
    run = LoadRun(
        kind=kind, filename=filename[:200], checksum=checksum_of(data), content=data, created_by=acting_user
    )
    _record_outcome(run, plan_file(kind=kind, filename=filename, data=data))
    run.save()
    return run


def _pending(run: LoadRun) -> LoadRun:
    run = LoadRun.objects.select_for_update().get(pk=run.pk)
    if run.status == LoadStatus.APPLIED:
        raise ValidationError("该文件已经加载，不能再修改或重复确认。")
    return run


@transaction.atomic
def load_map_columns(*, run: LoadRun, mapping: dict[str, str], acting_user) -> LoadRun:
    """Remember which of our columns this source's unknown headers are, then preview the file again."""
    _check_actor(acting_user, run.kind)
    run = _pending(run)
    fields = {c.field for c in COLUMNS[run.kind]}
    headers = run.options.get("headers", [])
    cleaned = {h: f for h, f in mapping.items() if h in headers and (f in fields or f == IGNORE)}
    targets = [f for f in cleaned.values() if f != IGNORE]
    if len(targets) != len(set(targets)):
        raise ValidationError("同一列不能对应多个表头。")
    if not headers:
        raise ValidationError("文件中找不到表头，无法设置列对应关系。")
    stored, _created = ColumnMapping.objects.get_or_create(
        kind=run.kind, signature=signature_of(headers), defaults={"headers": headers}
    )
    stored.mapping = {**stored.mapping, **cleaned}
    stored.headers = headers
    stored.updated_by = acting_user
    stored.save()
    audit_record(actor=acting_user, action="load.map_columns", target=stored, changes=cleaned)
    _record_outcome(
        run, plan_file(kind=run.kind, filename=run.filename, data=bytes(run.content), options=run.options)
    )
    run.save()
    return run


@transaction.atomic
def load_choose_progress(*, run: LoadRun, progress: dict[str, str], acting_user) -> LoadRun:
    """Override inferred progress types (累计型/水平型) of a targets file, then preview it again."""
    _check_actor(acting_user, run.kind)
    run = _pending(run)
    run.options = {**run.options, "progress": {**run.options.get("progress", {}), **progress}}
    _record_outcome(
        run, plan_file(kind=run.kind, filename=run.filename, data=bytes(run.content), options=run.options)
    )
    run.save()
    return run


def load_apply_params(run: LoadRun) -> dict:
    return {"run": run.pk, "checksum": run.checksum, "kind": run.get_kind_display(), "filename": run.filename}


def _confirmable(run: LoadRun, checksum: str) -> None:
    if run.status != LoadStatus.PREVIEWED:
        raise ValidationError("该文件有错误，未通过预览，不能加载。")
    if checksum != run.checksum:
        raise ValidationError("确认的文件与预览的文件不一致，未加载。请重新上传并预览。")


@transaction.atomic
def load_confirm(*, run: LoadRun, checksum: str, acting_user) -> Job:
    """Queue the previewed file's load in the background, once: a second click or tab gets the same job
    back, and nobody else can confirm the file while it is being loaded."""
    _check_actor(acting_user, run.kind)
    run = _pending(run)
    _confirmable(run, checksum)
    params = load_apply_params(run)
    active = job_active_for(kind=APPLY_JOB, params_key=params_key_of(params))
    if active is not None and active.owner_id != acting_user.pk:
        raise ServiceError(f"该文件正由{active.owner}加载，请稍候查看加载结果。")
    return job_start(kind=APPLY_JOB, params=params, acting_user=acting_user)


def _no_progress(done: int, total: int | None = None, step: str = "") -> None:
    """What a load run in the request (account sheets, tests) reports its progress to."""


@transaction.atomic
def load_apply(
    *, run: LoadRun, checksum: str, acting_user, progress: Callable[..., None] = _no_progress
) -> LoadRun:
    """Load exactly the previewed file: refused if the file or what it would change moved since."""
    _check_actor(acting_user, run.kind)
    run = _pending(run)
    data = bytes(run.content)
    _confirmable(run, checksum)
    if checksum_of(data) != run.checksum:
        raise ValidationError("确认的文件与预览的文件不一致，未加载。请重新上传并预览。")
    progress(0, 2, step="核对预览的文件")
    outcome = plan_file(kind=run.kind, filename=run.filename, data=data, options=run.options)
    if not outcome.ok or outcome.plan.fingerprint != run.fingerprint:
        raise ValidationError("预览之后系统中的数据已有变化，本次未加载。请重新上传预览后再确认。")
    progress(1, 2, step="写入数据并重新计算预警")
    _apply(outcome.plan, run, acting_user)
    return run


@transaction.atomic
def load_file(*, kind: str, filename: str, data: bytes, acting_user=None) -> LoadRun:
    """The monthly job: plan and load a file in one go; any problem refuses it whole (LoadRefused)."""
    _check_actor(acting_user, kind)
    outcome = plan_file(kind=kind, filename=filename, data=data)
    if not outcome.ok:
        raise LoadRefused(outcome.problems, outcome.table)
    run = LoadRun(
        kind=kind, filename=filename[:200], checksum=checksum_of(data), content=b"", created_by=acting_user
    )
    _record_outcome(run, outcome)
    run.save()
    _apply(outcome.plan, run, acting_user)
    return run


def _apply(plan: Plan, run: LoadRun, acting_user) -> None:
    recomputed = APPLIERS[plan.kind](plan, run=run, acting_user=acting_user)
    run.status = LoadStatus.APPLIED
    run.applied_at = timezone.now()
    run.content = b""
    run.counts = {**plan.counts, "recomputed_reports": recomputed}
    run.save()
    audit_record(
        actor=acting_user,
        action=f"load.{plan.kind}",
        target=run,
        to_state=LoadStatus.APPLIED,
        comment=run.filename,
        changes={"checksum": run.checksum, **run.counts},
    )


def _apply_projects(plan: Plan, *, run: LoadRun, acting_user) -> int:
    """New and changed projects written; the cockpit's roll-up recounts their units, before and after a
    project moves to another unit."""
    updated = [row[0] for row in plan.writes["update"]]
    owners = project_owners_by_year(updated)
    insert_rows(Project, PROJECT_COLUMNS, plan.writes["create"])
    if plan.writes["update"]:
        update_rows(Project, plan.writes["fields"], plan.writes["update"])
    recomputed = _recompute({project_id: 1 for project_id in plan.writes["recompute"]})
    year_at, owner_at = PROJECT_COLUMNS.index("year"), PROJECT_COLUMNS.index("owner_id")
    for row in plan.writes["create"]:
        owners.setdefault(row[year_at], set()).add(row[owner_at])
    for year, owner_ids in project_owners_by_year(updated).items():
        owners.setdefault(year, set()).update(owner_ids)
    rollup_refresh_owners(owners_by_year=owners)
    return recomputed


def _apply_payments(plan: Plan, *, run: LoadRun, acting_user) -> int:
    """New months are inserted; changed months are replaced (delete and insert by batch, faster than
    row-by-row updates), or on PostgreSQL written from the staging table in two statements."""
    if plan.writes.get("staged"):
        apply_staged_payments()
        recomputed = _recompute(plan.writes["recompute"])
        rollup_refresh_projects(project_ids=plan.writes["recompute"].keys())
        return recomputed
    changed = plan.writes["update"]
    for part in chunks(changed, BATCH):
        ProjectMonth.objects.filter(pk__in=[m.pk for m in part]).delete()
    ProjectMonth.objects.bulk_create([*plan.writes["create"], *changed], batch_size=BATCH)
    recomputed = _recompute(plan.writes["recompute"])
    rollup_refresh_projects(project_ids={m.project_id for m in (*plan.writes["create"], *changed)})
    return recomputed


def _apply_targets(plan: Plan, *, run: LoadRun, acting_user) -> int:
    target_versions_load(
        targets=plan.writes["versions"],
        reason=f"按绩效目标表更新（{run.filename}）"[:200],
        acting_user=acting_user,
    )
    rollup_refresh_projects(project_ids=[project_id for project_id, _goal, _specs in plan.writes["versions"]])
    return 0


def _apply_organisations(plan: Plan, *, run: LoadRun, acting_user) -> int:
    for code, new in plan.writes["rows"]:
        organisation = Organisation.objects.filter(code=code).first() or Organisation(code=code)
        organisation.name = new["name"]
        organisation.kind = new["kind"]
        if "parent" in new:
            organisation.parent = Organisation.objects.get(code=new["parent"]) if new["parent"] else None
        if "counterpart" in new:
            organisation.counterpart_section = (
                Organisation.objects.get(code=new["counterpart"]) if new["counterpart"] else None
            )
        if "is_classified" in new:
            organisation.is_classified = new["is_classified"]
        try:
            organisation_save(organisation=organisation, acting_user=acting_user)
        except ValidationError as exc:
            messages = exc.message_dict if hasattr(exc, "message_dict") else {"": exc.messages}
            raise LoadRefused(
                [Problem(f"机构“{code}”：{m}") for ms in messages.values() for m in ms]
            ) from exc
    return 0


APPLIERS = {
    LoadKind.PROJECTS: _apply_projects,
    LoadKind.PAYMENTS: _apply_payments,
    LoadKind.TARGETS: _apply_targets,
    LoadKind.ORGANISATIONS: _apply_organisations,
    LoadKind.ACCOUNTS: apply_accounts,
}


def _recompute(from_month: dict[int, int]) -> int:
    """Recompute the warnings of the reports whose period covers a changed amount: one report at a time
    when few are affected, else each affected cycle in one batch."""
    reports = []
    for part in chunks(list(from_month)):
        for report in AnalysisReport.objects.filter(project_id__in=part).select_related(
            "cycle", "project", "target_version"
        ):
            if report.cycle.period_end_month >= from_month[report.project_id]:
                reports.append(report)
    if len(reports) > PER_REPORT_RECOMPUTE_LIMIT:
        for cycle in MonitoringCycle.objects.filter(pk__in={r.cycle_id for r in reports}):
            cycle_recompute_warnings(cycle, bump_units=False)  # the roll-up refresh after bumps the units
    else:
        for report in reports:
            report_recompute(report)
    return len(reports)
