"""The problem table of 附件2 (its edit page and its read page), drawn in Python: a form of the largest
unit has hundreds of rows, and each row's dozens of lookups through the template engine were most of the
page's time."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from jixiao.core.caching import computed_once
from jixiao.core.formatting import pct, wan
from jixiao.monitoring.versions import cycle_version
from jixiao.review.models import FeedbackState
from jixiao.review.selectors import feedback_rows

register = template.Library()

LEVEL_NAMES = {"red": "红色", "yellow": "黄色"}
# includes/level_tag.html (drawn with the file's last newline)
LEVEL_TAG_NAMES = {"red": "红色", "yellow": "黄色", "blue": "蓝色"}

ROW = (
    '<tr id="item-{pk}"{past_class}>'
    '<td class="num">{position}<br><span class="tag">{source}</span>{level}</td>'
    '<td><input type="text" name="{p}-project" id="id_{p}-project" value="{project}" list="feedback-projects"'
    ' autocomplete="off" hx-get="{search_url}" hx-vals="js:{{q: this.value}}"'
    ' hx-trigger="input changed delay:250ms, focus once" hx-target="#feedback-projects" hx-swap="innerHTML"'
    ' hx-sync="this:replace"{project_invalid}>{figures}{project_errors}</td>'
    '<td><textarea name="{p}-problem" id="id_{p}-problem" rows="3" required{problem_invalid}>{problem}'
    "</textarea>{problem_errors}</td>"
    '<td><textarea name="{p}-requirement" id="id_{p}-requirement" rows="3" required{requirement_invalid}>'
    "{requirement}</textarea>{requirement_errors}</td>"
    '<td class="nowrap"><input type="date" name="{p}-due_date" id="id_{p}-due_date" value="{due_date}"'
    " required{due_date_invalid}>{past_note}{due_date_errors}</td>"
    '<td><input type="checkbox" name="{p}-remove" id="id_{p}-remove"{checked}></td>'
    "</tr>"
)
INVALID = mark_safe(' aria-invalid="true"')
NOTHING = mark_safe("")


def _errors(messages) -> SafeString:
    return format_html_join("", '<span class="error">{}</span>', ((m,) for m in messages or ()))


def _row(row, inputs, search_url: str, today) -> SafeString:
    item, shown, errors = row.item, inputs.shown, inputs.errors
    past = item.due_date <= today
    level = (
        format_html(
            '<br><span class="level level-{}">{}</span>', row.level, LEVEL_NAMES.get(row.level, "绿色")
        )
        if row.level
        else NOTHING
    )
    figures = (
        format_html(
            '<br><small class="muted">预算 {} 万元 · 执行 {} 万元 · 执行率 {}</small>',
            wan(row.budget),
            wan(row.paid),
            pct(row.execution_rate),
        )
        if item.project_id
        else NOTHING
    )
    fields = ("project", "problem", "requirement", "due_date")
    return format_html(
        ROW,
        pk=item.pk,
        past_class=mark_safe(' class="past-due"') if past else NOTHING,
        position=item.position,
        source=item.get_source_display(),
        level=level,
        p=inputs.prefix,
        search_url=search_url,
        figures=figures,
        past_note=mark_safe('<br><span class="warn-text small">时限已到或已过</span>') if past else NOTHING,
        checked=mark_safe(" checked") if shown.get("remove") else NOTHING,
        **{name: shown.get(name, "") for name in fields},
        **{f"{name}_invalid": INVALID if errors.get(name) else NOTHING for name in fields},
        **{f"{name}_errors": _errors(errors.get(name)) for name in fields},
    )


@register.simple_tag
def feedback_item_rows(item_forms, search_url: str, today) -> SafeString:
    """`{% feedback_item_rows item_forms search_url today %}`: one row per (row, inputs) pair."""
    return mark_safe("".join(_row(row, inputs, search_url, today) for row, inputs in item_forms))


READ_ROW = (
    "<tr>\n"
    '      <td class="num">{position}</td>\n'
    "      <td>{name}</td>\n"
    '      <td class="code">{code}</td>\n'
    '      <td class="num">{budget}</td>\n'
    '      <td class="num">{paid}</td>\n'
    '      <td class="num">{rate}</td>\n'
    "      <td>{level}</td>\n"
    "      <td>{problem}</td>\n"
    "      <td>{requirement}</td>\n"
    '      <td class="nowrap">{due_date}</td>\n'
    "      <td>{source}</td>\n"
    "      <td>{response}</td>\n"
    '      <td class="nowrap">{completed_on}</td>\n'
    "      <td>{evidence}</td>\n"
    "      <td>{verification}</td>\n"
    "    </tr>"
)


def _read_row(row) -> SafeString:
    item = row.item
    project = item.project
    level = (
        format_html(
            '<span class="level level-{}">{}</span>\n', row.level, LEVEL_TAG_NAMES.get(row.level, "绿色")
        )
        if row.level
        else NOTHING
    )
    return format_html(
        READ_ROW,
        position=item.position,
        name=project.name if project else "单位整体",
        code=project.code if project else "",
        budget=wan(row.budget) if project else "",
        paid=wan(row.paid) if project else "",
        rate=pct(row.execution_rate) if project else "",
        level=level,
        problem=linebreaksbr(item.problem),
        requirement=linebreaksbr(item.requirement),
        due_date=date_filter(item.due_date, "Y-m-d"),
        source=item.get_source_display(),
        response=linebreaksbr(row.response),
        completed_on=date_filter(row.completed_on, "Y-m-d"),
        evidence=format_html_join(mark_safe("<br>"), "{}", ((name,) for name in row.evidence)),
        verification=linebreaksbr(row.verification),
    )


@register.simple_tag
def feedback_read_rows(rows) -> SafeString:
    """`{% feedback_read_rows rows %}`: the issued or read-only form's rows, with the unit's answers."""
    return mark_safe("".join(_read_row(row) for row in rows))


# How long a drawn table is kept; a change to what it shows makes a new key at once.
READ_TABLE_SECONDS = 60 * 60
# States in which the problem list is final (审定后不能再修改): only the figures and answers move.
FINAL_STATES = (FeedbackState.APPROVED, FeedbackState.ISSUED)


@register.simple_tag
def feedback_read_table(feedback) -> SafeString:
    """`{% feedback_read_table feedback %}`: the read page's rows. Once the list is final, the drawn rows
    are kept under the cycle's data version, which every change they show bumps once committed: the
    projects' figures and levels (roll-up writes), the unit's answers, evidence and the verification
    (rectification items and their evidence), the form itself."""
    if feedback.state not in FINAL_STATES:
        return feedback_read_rows(feedback_rows(feedback))
    key = f"jixiao:feedback-rows:{feedback.pk}:{feedback.state}:{cycle_version(feedback.cycle_id)}"
    return computed_once(key, lambda: feedback_read_rows(feedback_rows(feedback)), seconds=READ_TABLE_SECONDS)
