"""Daily reminders of the calendar (第十一条, 第十三条): 7, 3 and 1 days before a due date that still concerns
someone, then every day while it is overdue — in the notification centre and by email.

`send_reminders` may run any number of times a day: each (recipient, reminder key, day) is claimed in
ReminderLog, whose unique constraint lets exactly one run send it. A key names the step, cycle,
organisation, due date and offset ("step1:<cycle>:<org>:<due>-7"), so an extension, which moves the due
date, starts a fresh series.

Rules, per open annual cycle (classified units expect nothing and get nothing):
1. second-level units whose package is not sent (missing, draft or returned) → their fillers and leaders;
2. the same for towns and first-level units;
   in both, the due date is the package's own (a bureau extension), else the cycle's;
3. the supervision section, while its key-item opinions are outstanding: none sent yet for the cycle, or
   some written but not sent to the counterpart sections;
4. each counterpart section with assigned units whose 附件2 is not issued → its staff, one reminder per
   section;
5. units with items of an issued 附件2 not yet answered (open or sent back) → the unit's people;
6. by the completion date: units with items still not answered → the unit's people; sections with
   answered items waiting for verification → the counterpart staff;
7. every rectification item of another source (监督检查, 主管部门要求, 单位自查) not answered (open or sent
   back), by its own 整改时限, whatever its cycle → the unit's people, one reminder per item;
8. red projects whose disposition is not answered, by their due date in working days (7, 3 and 1 working
   days before, sent on working days only, so each comes once; then every day while overdue) → the unit's
   people, one reminder per unit and due date.
"""

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse

from jixiao.dispositions.models import WarningDisposition
from jixiao.dispositions.selectors import due_date_for as disposition_due_date
from jixiao.monitoring.models import (
    DUE_DATE_STEPS,
    AnalysisReport,
    CycleKind,
    CycleStatus,
    MonitoringCycle,
    WarningLevel,
)
from jixiao.notifications.models import Notification
from jixiao.organisations.models import Membership, Organisation, OrganisationKind, Role, User
from jixiao.organisations.selectors import UNIT_ROLES
from jixiao.rectification.models import RectificationItem, RectificationSource, RectificationState
from jixiao.reminders.models import ReminderLog
from jixiao.review.models import Feedback, FeedbackState, Opinion, OpinionSource
from jixiao.workdays.selectors import WorkCalendar, work_calendar
from jixiao.workflow.models import Step, due_date_for
from jixiao.workflow.selectors import expected_packages

logger = logging.getLogger(__name__)

BEFORE_DAYS = (7, 3, 1)
OVERDUE = "overdue"

STEP_SUBJECTS = {
    1: "监控材料报送提醒",
    2: "监控材料报送提醒",
    3: "重点审核意见反馈提醒",
    4: "综合意见反馈表下达提醒",
    5: "整改落实情况报送提醒",
    6: "整改完成提醒",
    7: "整改时限提醒",
    8: "红色预警处置答复提醒",
}
ITEM_STEP, DISPOSITION_STEP = 7, 8
STEP_LABELS = {
    number: f"第{number}步 {label}" for number, (_field, _md, label) in enumerate(DUE_DATE_STEPS, start=1)
} | {ITEM_STEP: "其他来源整改事项", DISPOSITION_STEP: "红色预警处置"}
UNANSWERED = [RectificationState.OPEN, RectificationState.SENT_BACK]


def reminder_offsets(due: date, today: date) -> str | None:
    """Which reminder is due today: "7", "3" or "1" days before, "overdue" every day after, else None."""
    days = (due - today).days
    if days in BEFORE_DAYS:
        return str(days)
    if days < 0:
        return OVERDUE
    return None


def working_day_offsets(due: date, today: date, calendar: WorkCalendar) -> str | None:
    """As `reminder_offsets`, counted in working days: "7", "3" or "1" working days before, on a working
    day only (a weekend keeps Friday's count), "overdue" every day after the due date, else None."""
    if today > due:
        return OVERDUE
    days = calendar.working_days_between(today, due)
    if days in BEFORE_DAYS and calendar.is_working_day(today):
        return str(days)
    return None


def _working_timing(due: date, today: date, calendar: WorkCalendar) -> str:
    days = calendar.working_days_between(today, due)
    if today > due:
        return f"截止 {due:%Y-%m-%d}，已逾期 {-days} 个工作日"
    return f"截止 {due:%Y-%m-%d}，还剩 {days} 个工作日"


def _timing(due: date, today: date) -> str:
    days = (due - today).days
    if days < 0:
        return f"截止 {due:%Y-%m-%d}，已逾期 {-days} 天"
    return f"截止 {due:%Y-%m-%d}，还剩 {days} 天"


@dataclass(frozen=True)
class Reminder:
    step: int
    key: str
    recipients: tuple[User, ...]
    message: str
    url: str


def _reminder(step, cycle, organisation, due, today, recipients, message, url) -> Reminder | None:
    offset = reminder_offsets(due, today)
    if offset is None or not recipients:
        return None
    key = f"step{step}:{cycle.pk}:{organisation.pk}:{due.isoformat()}-{offset}"
    return Reminder(step, key, tuple(recipients), f"提醒：{message}（{_timing(due, today)}）", url)


def _people(organisation_ids, roles) -> dict[int, list[User]]:
    """Active people per active organisation holding one of `roles`, each person once."""
    found: dict[int, list[User]] = defaultdict(list)
    memberships = (
        Membership.objects.filter(
            organisation_id__in=list(organisation_ids),
            role__in=roles,
            user__is_active=True,
            organisation__is_active=True,
        )
        .select_related("user")
        .order_by("organisation_id", "user_id")
    )
    for m in memberships:
        if m.user not in found[m.organisation_id]:
            found[m.organisation_id].append(m.user)
    return found


def _package_reminders(cycle, today, step: int, senders) -> list[Reminder]:
    packages = [
        p
        for p in expected_packages(senders=senders, cycle=cycle, step=step)
        if p.status in ("missing", "returned")
    ]
    people = _people([p.unit.pk for p in packages], UNIT_ROLES)
    reminders = []
    for package in packages:
        unit = package.unit
        due = package.submission.due_date if package.submission else due_date_for(cycle, step)
        to = unit.parent.name if step == Step.UNIT_TO_PRIMARY else "区财政局"
        what = "被退回补正的监控材料尚未重新报送" if package.status == "returned" else "的监控材料尚未报送"
        message = f"{unit.name}{what}{to}"
        url = reverse("workflow:package", args=[cycle.pk, unit.pk])
        reminders.append(_reminder(step, cycle, unit, due, today, people.get(unit.pk), message, url))
    return reminders


def _supervision_reminders(cycle, today) -> list[Reminder]:
    """Whether the review is finished is not recorded, so opinions are the evidence: outstanding while
    none has been sent for the cycle or some are written but not yet sent."""
    opinions = Opinion.objects.filter(cycle=cycle, source=OpinionSource.SUPERVISION)
    if opinions.filter(sent_at__isnull=False).exists() and not opinions.filter(sent_at__isnull=True).exists():
        return []
    sections = Organisation.objects.filter(kind=OrganisationKind.SUPERVISION_SECTION, is_active=True)
    staff = _people([s.pk for s in sections], {Role.SUPERVISION_STAFF})
    return [
        _reminder(
            3,
            cycle,
            section,
            cycle.due_supervision_review,
            today,
            staff.get(section.pk),
            f"{cycle.name}的重点审核意见尚未全部反馈对口服务股室",
            reverse("review:supervision", args=[cycle.pk]),
        )
        for section in sections
    ]


def _issue_reminders(cycle, today) -> list[Reminder]:
    issued = Feedback.objects.filter(cycle=cycle, state=FeedbackState.ISSUED).values("organisation")
    waiting = (
        Organisation.objects.filter(
            kind__in=[OrganisationKind.TOWN, OrganisationKind.PRIMARY_UNIT],
            is_classified=False,
            is_active=True,
            counterpart_section__isnull=False,
        )
        .exclude(pk__in=issued)
        .values("counterpart_section")
        .annotate(n=Count("pk"))
    )
    counts = {row["counterpart_section"]: row["n"] for row in waiting}
    sections = Organisation.objects.in_bulk(counts.keys())
    staff = _people(counts.keys(), {Role.COUNTERPART_STAFF})
    return [
        _reminder(
            4,
            cycle,
            sections[section_id],
            cycle.due_feedback_issue,
            today,
            staff.get(section_id),
            f"{sections[section_id].name}对口的 {n} 个单位的综合意见反馈表（附件2）尚未下达",
            reverse("review:counterpart", args=[cycle.pk]),
        )
        for section_id, n in counts.items()
    ]


def _feedback_counts(cycle):
    """Per issued 附件2 of an unclassified unit: items not answered, and answered but not verified."""
    return (
        Feedback.objects.filter(
            cycle=cycle,
            state=FeedbackState.ISSUED,
            organisation__is_classified=False,
            organisation__is_active=True,
        )
        .select_related("organisation")
        .annotate(
            unanswered=Count("items", filter=Q(items__rectification__state__in=UNANSWERED)),
            waiting=Count("items", filter=Q(items__rectification__state=RectificationState.RESPONDED)),
        )
        .order_by("organisation__code")
    )


def _rectification_reminders(cycle, today) -> list[Reminder]:
    feedbacks = list(_feedback_counts(cycle))
    people = _people([f.organisation_id for f in feedbacks], UNIT_ROLES)
    reminders = []
    for feedback in feedbacks:
        if not feedback.unanswered:
            continue
        unit = feedback.organisation
        url = reverse("rectification:feedback", args=[feedback.pk])
        recipients = people.get(unit.pk)
        reminders.append(
            _reminder(
                5,
                cycle,
                unit,
                cycle.due_rectification_report,
                today,
                recipients,
                f"{unit.name}尚有 {feedback.unanswered} 项整改事项未报送整改落实情况",
                url,
            )
        )
        reminders.append(
            _reminder(
                6,
                cycle,
                unit,
                cycle.due_rectification_complete,
                today,
                recipients,
                f"{unit.name}尚有 {feedback.unanswered} 项整改事项未完成整改，原则上应在当年内完成（第十三条）",
                url,
            )
        )
    waiting: dict[int, int] = defaultdict(int)
    for feedback in feedbacks:
        if feedback.waiting and feedback.organisation.counterpart_section_id:
            waiting[feedback.organisation.counterpart_section_id] += feedback.waiting
    sections = Organisation.objects.in_bulk(waiting.keys())
    staff = _people(waiting.keys(), {Role.COUNTERPART_STAFF})
    for section_id, n in waiting.items():
        reminders.append(
            _reminder(
                6,
                cycle,
                sections[section_id],
                cycle.due_rectification_complete,
                today,
                staff.get(section_id),
                f"{sections[section_id].name}对口单位尚有 {n} 项整改落实情况待核查销号",
                reverse("rectification:cycle", args=[cycle.pk]),
            )
        )
    return reminders


def item_reminders(*, today: date) -> list[Reminder]:
    """Rectification items of the other sources, each by its own 整改时限, whatever its cycle (an item may
    have none)."""
    items = (
        RectificationItem.objects.exclude(kind=RectificationSource.FEEDBACK)
        .filter(state__in=UNANSWERED, organisation__is_classified=False, organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__code", "due_date", "pk")
    )
    items = [item for item in items if reminder_offsets(item.due_date, today) is not None]
    people = _people({item.organisation_id for item in items}, UNIT_ROLES)
    reminders = []
    for item in items:
        recipients = people.get(item.organisation_id)
        if not recipients:
            continue
        offset = reminder_offsets(item.due_date, today)
        what = f"{item.get_kind_display()}：{item.source_label}"
        message = f"{item.organisation.name}的整改事项“{item.problem[:30]}”（{what}）尚未报送整改落实情况"
        reminders.append(
            Reminder(
                ITEM_STEP,
                f"item:{item.pk}:{item.due_date.isoformat()}-{offset}",
                tuple(recipients),
                f"提醒：{message}（{_timing(item.due_date, today)}）",
                reverse("rectification:item", args=[item.pk]),
            )
        )
    return reminders


def _disposition_reminders(cycle, today, calendar: WorkCalendar) -> list[Reminder]:
    """Red projects not answered, counted per unit and due date (the working days after turning red)."""
    answered = WarningDisposition.objects.filter(cycle=cycle).values("project")
    reports = (
        AnalysisReport.objects.filter(
            cycle=cycle,
            level=WarningLevel.RED,
            red_since__isnull=False,
            project__owner__is_classified=False,
            project__owner__is_active=True,
        )
        .exclude(project__in=answered)
        .values_list("project__owner", "red_since")
    )
    waiting: dict[tuple[int, date], int] = defaultdict(int)
    for unit_id, red_since in reports:
        due = disposition_due_date(red_since=red_since, cycle=cycle, calendar=calendar)
        if working_day_offsets(due, today, calendar) is not None:
            waiting[unit_id, due] += 1
    units = Organisation.objects.in_bulk({unit_id for unit_id, _due in waiting})
    people = _people(units.keys(), UNIT_ROLES)
    reminders = []
    for (unit_id, due), count in sorted(waiting.items(), key=lambda row: (units[row[0][0]].code, row[0][1])):
        recipients = people.get(unit_id)
        if not recipients:
            continue
        offset = working_day_offsets(due, today, calendar)
        message = f"{units[unit_id].name}有 {count} 个红色预警项目尚未答复处置意见"
        reminders.append(
            Reminder(
                DISPOSITION_STEP,
                f"step{DISPOSITION_STEP}:{cycle.pk}:{unit_id}:{due.isoformat()}-{offset}",
                tuple(recipients),
                f"提醒：{message}（{_working_timing(due, today, calendar)}）",
                reverse("dispositions:cycle", args=[cycle.pk]),
            )
        )
    return reminders


def due_reminders(*, cycle: MonitoringCycle, today: date, calendar: WorkCalendar) -> list[Reminder]:
    """Every reminder the cycle owes today, before any check of what was already sent."""
    units = Organisation.objects.select_related("parent")
    candidates = [
        *_package_reminders(
            cycle, today, Step.UNIT_TO_PRIMARY, units.filter(kind=OrganisationKind.SECONDARY_UNIT)
        ),
        *_package_reminders(
            cycle,
            today,
            Step.UNIT_TO_BUREAU,
            units.filter(kind__in=[OrganisationKind.TOWN, OrganisationKind.PRIMARY_UNIT]),
        ),
        *_supervision_reminders(cycle, today),
        *_issue_reminders(cycle, today),
        *_rectification_reminders(cycle, today),
        *_disposition_reminders(cycle, today, calendar),
    ]
    return [r for r in candidates if r is not None]


@dataclass
class ReminderSummary:
    notifications: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    skipped: int = 0
    emails_sent: int = 0
    emails_failed: int = 0

    @property
    def total(self) -> int:
        return sum(self.notifications.values())

    def __str__(self):
        lines = [
            f"发送提醒 {self.total} 条（站内通知），邮件 {self.emails_sent} 封"
            + (f"，邮件发送失败 {self.emails_failed} 封" if self.emails_failed else "")
            + f"；今日已发送过而跳过 {self.skipped} 条。"
        ]
        lines += [f"  {STEP_LABELS[step]}：{n} 条" for step, n in sorted(self.notifications.items()) if n]
        return "\n".join(lines)


def _claim(user: User, key: str, today: date) -> bool:
    """True for the one run that records this reminder for this person today."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(recipient=user, key=key, sent_on=today)
    except IntegrityError:
        return False
    return True


def _email(user: User, reminder: Reminder) -> EmailMessage:
    body = render_to_string(
        "reminders/email_reminder.txt",
        {"user": user, "message": reminder.message, "district_name": settings.DISTRICT_NAME},
    )
    subject = f"【{settings.DISTRICT_NAME}预算绩效运行监控】{STEP_SUBJECTS[reminder.step]}"
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def _send(emails: list[EmailMessage], summary: ReminderSummary) -> None:
    """Best effort, one message at a time: a bad address or a mail server that is down never undoes the
    in-app reminders, which are already committed."""
    if not emails:
        return
    connection = get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError):
        logger.exception("mail server unreachable: %d reminder emails not sent", len(emails))
        summary.emails_failed += len(emails)
        return
    try:
        for email in emails:
            try:
                summary.emails_sent += connection.send_messages([email])
            except (smtplib.SMTPException, OSError):
                logger.exception("reminder email to %s failed", email.to)
                summary.emails_failed += 1
    finally:
        connection.close()


def reminders_send(*, today: date) -> ReminderSummary:
    """Claim, notify and email every reminder due today; emails go only once the claims have committed."""
    summary = ReminderSummary()
    emails = []
    cycles = MonitoringCycle.objects.filter(kind=CycleKind.ANNUAL, status=CycleStatus.OPEN).order_by("year")
    calendar = work_calendar()
    with transaction.atomic():
        owed = [
            *(r for cycle in cycles for r in due_reminders(cycle=cycle, today=today, calendar=calendar)),
            *item_reminders(today=today),
        ]
        for reminder in owed:
            fresh = [user for user in reminder.recipients if _claim(user, reminder.key, today)]
            summary.skipped += len(reminder.recipients) - len(fresh)
            Notification.objects.bulk_create(
                Notification(recipient=user, message=reminder.message[:300], url=reminder.url)
                for user in fresh
            )
            summary.notifications[reminder.step] += len(fresh)
            emails += [_email(user, reminder) for user in fresh if user.email]
    _send(emails, summary)
    return summary
