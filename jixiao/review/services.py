"""The bureau's review of step-2 packages (第十一条 3–4): every write is one function that checks the actor
and the state on locked rows, writes the change with its audit record (and, for 附件2, its 办理记录 row
through `transition_record`) in one transaction, and notifies after commit.

Step 3 belongs to the supervision section (key items, opinions, sending them on); step 4 to the unit's
counterpart section (附件2: compose, edit, approve, issue).
"""

import secrets
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from jixiao.audit.services import audit_record
from jixiao.monitoring.models import MonitoringCycle
from jixiao.monitoring.rules import LEVEL_LABELS
from jixiao.notifications.services import notify, people_of, transition_record
from jixiao.organisations.models import Organisation, Role
from jixiao.organisations.selectors import UNIT_ROLES, memberships_of, primary_organisation
from jixiao.projects.models import Indicator, Project
from jixiao.review.documents import FEEDBACK_FILES
from jixiao.review.models import (
    Feedback,
    FeedbackItem,
    FeedbackState,
    FeedbackTransition,
    KeyItem,
    KeyItemSelection,
    KeyItemSource,
    Opinion,
    OpinionSource,
)
from jixiao.review.policy import (
    FEEDBACK_TEXT_FIELDS,
    can_approve,
    can_draft,
    can_edit_feedback,
    can_issue,
    package_sent,
    review_open,
)
from jixiao.review.selectors import (
    COMPOSE_ACTION,
    REVIEWED_UNIT_KINDS,
    SAMPLE_ACTION,
    population_digest,
    project_risk,
    reviewed_projects,
    sample_ids,
    unit_projects,
    warned_projects,
)
from jixiao.review.signals import feedback_issued
from jixiao.workflow.services import submission_close_review

DEFAULT_REQUIREMENT = "请逐项分析偏差原因，落实纠偏措施，于整改时限前报送整改落实情况。"
ITEM_FIELDS = ("project", "problem", "requirement", "due_date")


# ---------------------------------------------------------------------------------------------------
# Who may act


def _section_of(user, role: str) -> Organisation | None:
    """The active section in which the person holds `role` (the acting organisation of the audit record)."""
    return next(
        (m.organisation for m in memberships_of(user) if m.role == role and m.organisation.is_active), None
    )


def _require_supervision(user) -> Organisation:
    section = _section_of(user, Role.SUPERVISION_STAFF)
    if section is None:
        raise PermissionDenied("只有财政监督与绩效管理股工作人员可以办理重点审核和审核意见。")
    return section


def _require_package_sent(unit: Organisation, cycle: MonitoringCycle) -> None:
    if unit.kind not in REVIEWED_UNIT_KINDS or unit.is_classified:
        raise ValidationError("只有镇和一级预算单位（涉密单位除外）接受区财政局的审核意见。")
    package_sent(unit, cycle).enforce()


# ---------------------------------------------------------------------------------------------------
# Step 3: key items (重点审核)


def _locked_selection(cycle: MonitoringCycle, acting_user) -> KeyItemSelection:
    """The cycle's selection row, created on first use and locked so that draws and picks queue up."""
    KeyItemSelection.objects.get_or_create(
        cycle=cycle, defaults={"seed": secrets.randbits(32), "created_by": acting_user}
    )
    return KeyItemSelection.objects.select_for_update(of=("self",)).select_related("cycle").get(cycle=cycle)


@transaction.atomic
def key_items_draw(*, cycle: MonitoringCycle, size: int, acting_user) -> KeyItemSelection:
    """随机抽取 with a new stored seed; the new sample replaces the previous one, picks by risk or by hand stay.

    The population is every project that reached the bureau; it and its digest are stored with the draw so
    that anyone can draw the same sample again with `sample_ids`.
    """
    section = _require_supervision(acting_user)
    review_open(cycle).enforce()
    selection = _locked_selection(cycle, acting_user)
    population = list(reviewed_projects(user=acting_user, cycle=cycle).values_list("pk", flat=True))
    if size < 1:
        raise ValidationError("抽样数量至少为 1。")
    if size > len(population):
        raise ValidationError(f"抽样数量不能超过已报送至区财政局的项目数（{len(population)} 个）。")
    seed = secrets.randbits(32)
    chosen = sample_ids(seed=seed, population=population, size=size)
    selection.items.filter(source=KeyItemSource.SAMPLE).delete()
    already_chosen = set(selection.items.values_list("project_id", flat=True))
    scores = project_risk(user=acting_user, cycle=cycle, project_ids=chosen)
    KeyItem.objects.bulk_create(
        KeyItem(
            selection=selection,
            project_id=pk,
            source=KeyItemSource.SAMPLE,
            risk_score=scores[pk].total,
            reasons=list(scores[pk].reasons),
        )
        for pk in chosen
        if pk not in already_chosen
    )
    selection.seed = seed
    selection.sample_size = size
    selection.population = sorted(population)
    selection.population_size = len(population)
    selection.population_digest = population_digest(population)
    selection.drawn_at = timezone.now()
    selection.drawn_by = acting_user
    selection.save(
        update_fields=[
            "seed",
            "sample_size",
            "population",
            "population_size",
            "population_digest",
            "drawn_at",
            "drawn_by",
        ]
    )
    audit_record(
        actor=acting_user,
        action=SAMPLE_ACTION,
        target=selection,
        organisation=section,
        comment=f"随机抽取 {size} 个项目，种子 {seed}",
        changes={
            "seed": seed,
            "sample_size": size,
            "population": len(population),
            "population_sha256": selection.population_digest,
            "sample": chosen,
        },
    )
    return selection


@transaction.atomic
def key_item_mark(*, cycle: MonitoringCycle, project: Project, source: str, acting_user) -> KeyItem:
    """列为重点审核: by its risk score or by hand; a sampled project marked this way stays through re-draws."""
    section = _require_supervision(acting_user)
    review_open(cycle).enforce()
    if source not in (KeyItemSource.RISK, KeyItemSource.MANUAL):
        raise ValidationError("请选择风险排序选取或人工选取。")
    selection = _locked_selection(cycle, acting_user)
    score = project_risk(user=acting_user, cycle=cycle, project_ids=[project.pk]).get(project.pk)
    if score is None:
        raise ValidationError("该项目的监控材料尚未报送至区财政局，不能列为重点审核项目。")
    item = selection.items.filter(project=project).first()
    if item is not None and item.source != KeyItemSource.SAMPLE:
        raise ValidationError("该项目已列为重点审核项目。")
    previous = item.source if item is not None else ""
    item = item or KeyItem(selection=selection, project=project)
    item.source = source
    item.risk_score = score.total
    item.reasons = list(score.reasons)
    item.save()
    audit_record(
        actor=acting_user,
        action="key_item.mark",
        target=item,
        organisation=section,
        from_state=previous,
        to_state=source,
        comment=score.explanation,
    )
    return item


@transaction.atomic
def key_item_unmark(*, item: KeyItem, acting_user) -> None:
    """Take a risk or manual pick off the list; sampled items leave only with a re-draw, so the stored
    seed always reproduces the sample shown."""
    section = _require_supervision(acting_user)
    selection = (
        KeyItemSelection.objects.select_for_update(of=("self",))
        .select_related("cycle")
        .get(pk=item.selection_id)
    )
    review_open(selection.cycle).enforce()
    item = KeyItem.objects.filter(pk=item.pk).select_related("project").first()
    if item is None:
        raise ValidationError("该项目已不在重点审核清单中。")
    if item.source == KeyItemSource.SAMPLE:
        raise ValidationError("随机抽取的项目不能单独取消；如需调整，请重新抽样。")
    audit_record(
        actor=acting_user, action="key_item.unmark", target=item, organisation=section, from_state=item.source
    )
    item.delete()


# ---------------------------------------------------------------------------------------------------
# Step 3: opinions, sent to the counterpart section


def _locked_feedback_of(unit: Organisation, cycle: MonitoringCycle) -> Feedback | None:
    return Feedback.objects.select_for_update(of=("self",)).filter(cycle=cycle, organisation=unit).first()


def _refuse_after_approval(feedback: Feedback | None) -> None:
    if feedback is not None and feedback.state != FeedbackState.DRAFT:
        raise ValidationError("该单位的综合意见反馈表已审定，不能再补充意见。")


@transaction.atomic
def opinion_create(
    *,
    cycle: MonitoringCycle,
    unit: Organisation,
    project: Project | None,
    problem: str,
    requirement: str,
    acting_user,
) -> Opinion:
    """An opinion on one project of the unit's package, or (no project) on the unit as a whole."""
    section = _require_supervision(acting_user)
    review_open(cycle).enforce()
    _require_package_sent(unit, cycle)
    _refuse_after_approval(_locked_feedback_of(unit, cycle))
    if project is not None and not unit_projects(unit=unit, cycle=cycle).filter(pk=project.pk).exists():
        raise ValidationError("该项目不在本单位报送区财政局的材料中。")
    problem, requirement = problem.strip(), requirement.strip()
    if not problem or not requirement:
        raise ValidationError("请填写发现的主要问题和整改意见及要求。")
    opinion = Opinion.objects.create(
        cycle=cycle,
        organisation=unit,
        project=project,
        source=OpinionSource.SUPERVISION,
        problem=problem,
        requirement=requirement,
        author=acting_user,
    )
    audit_record(actor=acting_user, action="opinion.create", target=opinion, organisation=section)
    return opinion


@transaction.atomic
def opinion_delete(*, opinion: Opinion, acting_user) -> None:
    """Only a draft: once sent, the counterpart section may already have merged it into 附件2."""
    section = _require_supervision(acting_user)
    opinion = (
        Opinion.objects.select_for_update(of=("self",)).select_related("cycle", "project").get(pk=opinion.pk)
    )
    review_open(opinion.cycle).enforce()
    if opinion.source != OpinionSource.SUPERVISION or opinion.sent_at is not None:
        raise ValidationError("意见已送对口服务股室，不能删除。")
    audit_record(
        actor=acting_user,
        action="opinion.delete",
        target=opinion,
        organisation=section,
        comment=opinion.problem[:200],
    )
    opinion.delete()


@transaction.atomic
def opinions_send(*, cycle: MonitoringCycle, unit: Organisation, acting_user) -> int:
    """Send every draft opinion on the unit to its counterpart section (第十一条 3: 反馈至对口服务股室)."""
    section = _require_supervision(acting_user)
    review_open(cycle).enforce()
    if unit.counterpart_section_id is None:
        raise ValidationError(f"{unit.name}未指定对口服务股室，请先由系统管理员指定。")
    _refuse_after_approval(_locked_feedback_of(unit, cycle))
    drafts = list(
        Opinion.objects.select_for_update(of=("self",)).filter(
            cycle=cycle, organisation=unit, source=OpinionSource.SUPERVISION, sent_at__isnull=True
        )
    )
    if not drafts:
        raise ValidationError("没有待送出的意见。")
    Opinion.objects.filter(pk__in=[o.pk for o in drafts]).update(sent_at=timezone.now())
    receiver = unit.counterpart_section
    audit_record(
        actor=acting_user,
        action="opinion.send",
        target=unit,
        organisation=section,
        comment=f"送{receiver.name} {len(drafts)} 条",
        changes={"opinions": [o.pk for o in drafts]},
    )
    notify(
        people_of(receiver.pk, {Role.COUNTERPART_STAFF}),
        f"监督与绩效管理股送来对{unit.name}的审核意见 {len(drafts)} 条，请在综合意见反馈表中研究采纳。",
        reverse("review:counterpart", args=[cycle.pk]),
    )
    return len(drafts)


# ---------------------------------------------------------------------------------------------------
# Step 4: 附件2 综合意见反馈表


def _handling_record(feedback: Feedback, acting_user, action: str, **details) -> FeedbackTransition:
    """A row of the 附件2's 办理记录 with its audit record, on behalf of the unit's counterpart section."""
    return transition_record(
        history=FeedbackTransition,
        acting_user=acting_user,
        action=action,
        subject=feedback,
        organisation=feedback.organisation.counterpart_section,
        **details,
    )


def _locked(feedback: Feedback) -> Feedback:
    return (
        Feedback.objects.select_for_update(of=("self",))
        .select_related("cycle", "organisation", "organisation__counterpart_section")
        .get(pk=feedback.pk)
    )


def _editable(feedback: Feedback, acting_user) -> Feedback:
    """The draft, locked, once the person is established as its counterpart section's staff."""
    feedback = _locked(feedback)
    can_edit_feedback(acting_user, feedback).enforce()
    return feedback


def _prefilled_items(
    unit: Organisation, cycle: MonitoringCycle, opinions: list[Opinion]
) -> list[FeedbackItem]:
    """Red and yellow projects (their warning messages as the problem), each followed by the supervision
    section's opinions on it; then opinions on other projects, then those on the unit as a whole."""
    by_project: dict[int | None, list[Opinion]] = defaultdict(list)
    for opinion in opinions:
        by_project[opinion.project_id].append(opinion)

    def from_opinion(opinion: Opinion) -> FeedbackItem:
        return FeedbackItem(
            project=opinion.project,
            problem=opinion.problem,
            requirement=opinion.requirement,
            source=OpinionSource.SUPERVISION,
        )

    projects = warned_projects(unit=unit, cycle=cycle)
    indicator_names = dict(
        Indicator.objects.filter(
            pk__in={w.indicator_id for p in projects for w in p.warning_list if w.indicator_id}
        ).values_list("pk", "name")
    )
    items = []
    for project in projects:
        messages = "；".join(warning_texts(project.warning_list, indicator_names))
        items.append(
            FeedbackItem(
                project=project,
                problem=f"{LEVEL_LABELS[project.report_level]}预警：{messages}",
                requirement=DEFAULT_REQUIREMENT,
                source=OpinionSource.COUNTERPART,
            )
        )
        items += [from_opinion(o) for o in by_project.pop(project.pk, [])]
    unit_wide = by_project.pop(None, [])
    for opinion in sorted((o for group in by_project.values() for o in group), key=lambda o: o.project.code):
        items.append(from_opinion(opinion))
    items += [from_opinion(o) for o in unit_wide]
    due = default_due_date(cycle, timezone.localdate())
    for position, item in enumerate(items, start=1):
        item.position = position
        item.due_date = due
    return items


def warning_texts(warnings, indicator_names: dict[int, str]) -> list[str]:
    """Each warning as 附件2 states it: an indicator's warning names its indicator; repeats appear once."""
    texts = (
        f"{indicator_names[w.indicator_id]}：{w.message}" if w.indicator_id in indicator_names else w.message
        for w in warnings
    )
    return list(dict.fromkeys(texts))


def add_working_days(start: date, days: int) -> date:
    """`days` weekdays after `start` (Saturdays and Sundays are not counted)."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def default_due_date(cycle: MonitoringCycle, drafted_on: date) -> date:
    """整改时限 by default: the cycle's step-5 date, but never sooner than the configured number of working
    days after the form is drafted, so that no item is overdue the moment it is issued."""
    return max(
        cycle.due_rectification_report, add_working_days(drafted_on, settings.RECTIFICATION_WORKING_DAYS)
    )


def _supervision_summary(opinions: list[Opinion]) -> tuple[str, str]:
    """The supervision section's opinions as the text of 附件2's opinion block, and who wrote them."""
    lines = []
    for number, opinion in enumerate(opinions, start=1):
        subject = f"{opinion.project.name}（{opinion.project.code}）" if opinion.project else "单位整体"
        lines.append(f"{number}. {subject}：{opinion.problem} 整改要求：{opinion.requirement}")
    reviewers = "、".join(dict.fromkeys(str(o.author) for o in opinions))
    return "\n".join(lines), reviewers[:40]


@transaction.atomic
def feedback_compose(*, cycle: MonitoringCycle, unit: Organisation, acting_user) -> Feedback:
    """Create the unit's 附件2, or rebuild its items while it is a draft.

    Rebuilding replaces every item (the page says so) so that warnings recomputed and opinions sent since
    the last build are never missed; the section's own opinion texts are kept.
    """
    can_draft(acting_user, unit, cycle).enforce()
    stored, created = Feedback.objects.get_or_create(cycle=cycle, organisation=unit)
    feedback = _locked(stored)
    can_draft(acting_user, unit, cycle, feedback).enforce()
    opinions = list(
        Opinion.objects.filter(
            cycle=cycle, organisation=unit, source=OpinionSource.SUPERVISION, sent_at__isnull=False
        )
        .select_related("project", "author")
        .order_by("sent_at", "id")
    )
    feedback.items.all().delete()
    items = _prefilled_items(unit, cycle, opinions)
    for item in items:
        item.feedback = feedback
    FeedbackItem.objects.bulk_create(items)
    feedback.supervision_opinion, feedback.supervision_reviewer = _supervision_summary(opinions)
    feedback.supervision_date = timezone.localdate(opinions[-1].sent_at) if opinions else None
    feedback.composed_at = timezone.now()
    feedback.save()
    warned = sum(1 for item in items if item.source == OpinionSource.COUNTERPART)
    _handling_record(
        feedback,
        acting_user,
        COMPOSE_ACTION,
        to_state=FeedbackState.DRAFT if created else "",
        comment=f"预警项目 {warned} 个，监督股意见 {len(opinions)} 条，共 {len(items)} 条问题",
    )
    return feedback


@transaction.atomic
def feedback_update(*, feedback: Feedback, values: dict, acting_user) -> Feedback:
    """The counterpart section's review opinion and the overall opinion (综合意见)."""
    feedback = _editable(feedback, acting_user)
    changed = {}
    for name in FEEDBACK_TEXT_FIELDS:
        if name in values and values[name].strip() != getattr(feedback, name):
            changed[name] = values[name].strip()
            setattr(feedback, name, values[name].strip())
    if changed:
        feedback.save(update_fields=list(changed))
        _handling_record(feedback, acting_user, "feedback.edit", changes=changed)
    return feedback


def _apply_item_values(item: FeedbackItem, feedback: Feedback, values: dict) -> dict:
    project = values.get("project")
    if (
        project is not None
        and not unit_projects(unit=feedback.organisation, cycle=feedback.cycle).filter(pk=project.pk).exists()
    ):
        raise ValidationError({"project": "该项目不在本单位报送区财政局的材料中。"})
    changed = {}
    for name in ITEM_FIELDS:
        value = values.get(name)
        value = value.strip() if isinstance(value, str) else value
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed[name] = str(value) if value is not None else ""
    item.full_clean(exclude=["feedback"])
    return changed


@transaction.atomic
def feedback_item_add(*, feedback: Feedback, values: dict, acting_user) -> FeedbackItem:
    feedback = _editable(feedback, acting_user)
    last = feedback.items.aggregate(last=Max("position"))["last"] or 0
    item = FeedbackItem(feedback=feedback, position=last + 1, source=OpinionSource.COUNTERPART)
    changes = _apply_item_values(item, feedback, values)
    item.save()
    _handling_record(
        feedback, acting_user, "feedback.item_add", comment=f"第 {item.position} 条", changes=changes
    )
    return item


@transaction.atomic
def feedback_item_update(*, item: FeedbackItem, values: dict, acting_user) -> FeedbackItem:
    feedback = _editable(item.feedback, acting_user)
    item = feedback.items.get(pk=item.pk)
    changes = _apply_item_values(item, feedback, values)
    if changes:
        item.save()
        _handling_record(
            feedback, acting_user, "feedback.item_edit", comment=f"第 {item.position} 条", changes=changes
        )
    return item


@transaction.atomic
def feedback_items_save(*, feedback: Feedback, rows: dict, removed=(), acting_user) -> Feedback:
    """Save the whole problem list at once: `rows` maps each item to its values, `removed` lists items to
    drop. All or nothing: any refused row leaves every item as it was (errors name the row's 序号)."""
    feedback = _editable(feedback, acting_user)
    stored = {item.pk: item for item in feedback.items.select_for_update(of=("self",)).order_by("position")}
    removed_ids = {item.pk for item in removed}
    if not {item.pk for item in rows} | removed_ids <= stored.keys():
        raise ValidationError("问题清单已被他人修改，请刷新页面后重新编辑。")
    errors, changed = [], []
    for row_item, values in rows.items():
        item = stored[row_item.pk]
        if item.pk in removed_ids:
            continue
        try:
            changes = _apply_item_values(item, feedback, values)
        except ValidationError as exc:
            errors += [f"第 {item.position} 条：{message}" for message in exc.messages]
            continue
        if changes:
            changed.append((item, changes))
    if errors:
        raise ValidationError(errors)
    for item, _changes in changed:
        item.save()
    removed_positions = [item.position for pk, item in stored.items() if pk in removed_ids]
    FeedbackItem.objects.filter(pk__in=removed_ids).delete()
    kept = [item for pk, item in stored.items() if pk not in removed_ids]
    for position, item in enumerate(kept, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    if changed or removed_ids:
        _handling_record(
            feedback,
            acting_user,
            "feedback.items_save",
            comment=f"修改 {len(changed)} 条，删除 {len(removed_ids)} 条",
            changes={
                "edited": {str(item.pk): changes for item, changes in changed},
                "removed": removed_positions,
            },
        )
    return feedback


@transaction.atomic
def feedback_item_remove(*, item: FeedbackItem, acting_user) -> None:
    """Remove an item; the ones after it move up so that 序号 stays 1, 2, 3 …"""
    feedback = _editable(item.feedback, acting_user)
    item = feedback.items.get(pk=item.pk)
    _handling_record(
        feedback, acting_user, "feedback.item_remove", comment=f"第 {item.position} 条：{item.problem[:100]}"
    )
    item.delete()
    for later in feedback.items.filter(position__gt=item.position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])


@transaction.atomic
def feedback_approve(*, feedback: Feedback, acting_user) -> Feedback:
    """审定: the counterpart section signs its review; the form is read-only from here on."""
    feedback = _locked(feedback)
    can_approve(acting_user, feedback).enforce()
    unit = feedback.organisation
    feedback.state = FeedbackState.APPROVED
    feedback.approved_by = acting_user
    feedback.approved_at = timezone.now()
    feedback.counterpart_reviewer = str(acting_user)[:40]
    feedback.counterpart_date = timezone.localdate(feedback.approved_at)
    feedback.save()
    submission_close_review(cycle=feedback.cycle, organisation=unit)
    _handling_record(
        feedback,
        acting_user,
        "feedback.approve",
        from_state=FeedbackState.DRAFT,
        to_state=FeedbackState.APPROVED,
    )
    return feedback


@transaction.atomic
def feedback_issue(*, feedback: Feedback, acting_user) -> Feedback:
    """下达: the unit receives its 附件2 and rectification (step 5) begins."""
    feedback = _locked(feedback)
    can_issue(acting_user, feedback).enforce()
    unit = feedback.organisation
    feedback.state = FeedbackState.ISSUED
    feedback.issued_at = timezone.now()
    feedback.save(update_fields=["state", "issued_at"])
    feedback_issued.send(sender=Feedback, feedback=feedback, acting_user=acting_user)
    _handling_record(
        feedback,
        acting_user,
        "feedback.issue",
        from_state=FeedbackState.APPROVED,
        to_state=FeedbackState.ISSUED,
        notice=(
            people_of(unit.pk, UNIT_ROLES),
            f"区财政局已下达{feedback.cycle.year}年度综合意见反馈表（{feedback.items.count()} 条问题），"
            f"请于 {feedback.cycle.due_rectification_report:%Y-%m-%d} 前报送整改落实情况。",
            reverse("review:feedback", args=[feedback.pk]),
        ),
    )
    return feedback


def feedback_export(*, feedback: Feedback, kind: str, acting_user, target) -> None:
    """附件2 as Excel or Word, saved into `target` (a background job's result file), for a person the
    caller's selector let see it; every export is on record."""
    build, _content_type = FEEDBACK_FILES[kind]
    build(feedback).save(target)
    audit_record(
        actor=acting_user,
        action="feedback.export",
        target=feedback,
        organisation=primary_organisation(acting_user),
        comment=kind,
    )
