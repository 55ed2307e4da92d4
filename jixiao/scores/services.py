"""Setting a cycle's scoring scheme, freezing the scores when the cycle closes, exporting the table.

Each change locks its rows, checks the actor through `policy`, writes the change and its audit record in one
transaction. The freeze runs inside the cycle's close (monitoring's `cycle_closed` signal), so a cycle is
never closed without its scores.
"""

from django.db import transaction
from django.utils import timezone

from jixiao.audit.services import audit_record
from jixiao.core.errors import ServiceError
from jixiao.monitoring.models import MonitoringCycle
from jixiao.organisations.selectors import memberships_of
from jixiao.scores import rules
from jixiao.scores.exports import scores_xlsx
from jixiao.scores.models import FrozenScore, ScoreFreeze, ScoreScheme
from jixiao.scores.policy import can_edit_scheme, can_view_table, cycle_scored
from jixiao.scores.selectors import ScoreTable, cycle_scores, scheme_of

SCHEME_FIELDS = rules.WEIGHT_FIELDS + rules.DEDUCTION_FIELDS


@transaction.atomic
def scheme_update(*, cycle: MonitoringCycle, values: dict, acting_user) -> ScoreScheme:
    """Set the cycle's weights and deductions (the five weights sum to 100); until the cycle closes."""
    cycle = MonitoringCycle.objects.select_for_update().get(pk=cycle.pk)
    can_edit_scheme(acting_user, cycle).enforce()
    scheme = ScoreScheme.objects.select_for_update().filter(cycle=cycle).first() or ScoreScheme(cycle=cycle)
    before = scheme.params()
    for name in SCHEME_FIELDS:
        if name in values:
            setattr(scheme, name, values[name])
    problems = rules.scheme_problems(scheme.params())
    if problems:
        raise ServiceError("评分规则未保存：" + next(iter(problems.values())), problems)
    after = scheme.params()
    changed = {
        name: str(getattr(after, name))
        for name in SCHEME_FIELDS
        if getattr(before, name) != getattr(after, name)
    }
    if scheme.pk is not None and not changed:
        return scheme
    scheme.updated_by = acting_user
    scheme.save()
    audit_record(
        actor=acting_user,
        action="score_scheme.change",
        target=cycle,
        organisation=next((m.organisation for m in memberships_of(acting_user)), None),
        changes=changed,
    )
    return scheme


@transaction.atomic
def scores_freeze(*, cycle: MonitoringCycle, acting_user) -> ScoreFreeze | None:
    """Store every unit's score, inputs and breakdown with the scheme in force, once: a cycle closed again
    after a reopening keeps the scores of its first close. A unit's own round is not scored."""
    cycle = MonitoringCycle.objects.select_for_update().get(pk=cycle.pk)
    if not cycle_scored(cycle):
        return None
    existing = ScoreFreeze.objects.filter(cycle=cycle).first()
    if existing is not None:
        return existing
    scheme, as_of = scheme_of(cycle).params(), timezone.localdate()
    scores = cycle_scores(cycle=cycle, scheme=scheme, as_of=as_of)
    freeze = ScoreFreeze.objects.create(
        cycle=cycle,
        as_of=as_of,
        scheme=scheme.as_dict(),
        frozen_by=acting_user if acting_user is not None and acting_user.is_authenticated else None,
    )
    FrozenScore.objects.bulk_create(
        FrozenScore(
            freeze=freeze,
            organisation=score.organisation,
            rank=score.rank,
            total=score.breakdown.total,
            inputs=score.inputs.as_dict(),
            breakdown=score.breakdown.as_dict(),
        )
        for score in scores
    )
    audit_record(
        actor=acting_user,
        action="score.freeze",
        target=cycle,
        comment=f"{len(scores)} 个单位，计分截止 {as_of:%Y-%m-%d}",
    )
    return freeze


def scores_export(*, table: ScoreTable, acting_user) -> bytes:
    """The ranked table as .xlsx, the export on record."""
    if not can_view_table(acting_user):
        raise ServiceError("只有区财政局的股室和局领导可以导出监控评分。")
    content = scores_xlsx(table)
    audit_record(
        actor=acting_user,
        action="score.export",
        target=table.cycle,
        organisation=next((m.organisation for m in memberships_of(acting_user)), None),
        comment=f"监控评分 {len(table.rows)} 个单位",
    )
    return content
