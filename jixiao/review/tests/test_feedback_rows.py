"""The problem table drawn in Python is the table the template loop drew, byte for byte, in every state
of a row: with or without a project, each level, past its due date, with errors, marked for removal."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template

from jixiao.review.forms import ItemInputs
from jixiao.review.templatetags.feedback_items import feedback_item_rows, feedback_read_rows

# The loop as the edit page wrote it before the rows were drawn in Python.
LOOP = Template(
    """{% load jixiao %}{% for row, form in item_forms %}{% with p=form.prefix v=form.shown e=form.errors %}<tr id="item-{{ row.item.pk }}"{% if row.item.due_date <= today %} class="past-due"{% endif %}>"""
    """<td class="num">{{ row.item.position }}<br><span class="tag">{{ row.item.get_source_display }}</span>{% if row.level %}<br><span class="level level-{{ row.level }}">{% if row.level == "red" %}红色{% elif row.level == "yellow" %}黄色{% else %}绿色{% endif %}</span>{% endif %}</td>"""
    """<td><input type="text" name="{{ p }}-project" id="id_{{ p }}-project" value="{{ v.project }}" list="feedback-projects" autocomplete="off" hx-get="{{ search_url }}" hx-vals="js:{q: this.value}" hx-trigger="input changed delay:250ms, focus once" hx-target="#feedback-projects" hx-swap="innerHTML" hx-sync="this:replace"{% if e.project %} aria-invalid="true"{% endif %}>{% if row.item.project %}<br><small class="muted">预算 {{ row.budget|wan }} 万元 · 执行 {{ row.paid|wan }} 万元 · 执行率 {{ row.execution_rate|pct }}</small>{% endif %}{% for m in e.project %}<span class="error">{{ m }}</span>{% endfor %}</td>"""
    """<td><textarea name="{{ p }}-problem" id="id_{{ p }}-problem" rows="3" required{% if e.problem %} aria-invalid="true"{% endif %}>{{ v.problem }}</textarea>{% for m in e.problem %}<span class="error">{{ m }}</span>{% endfor %}</td>"""
    """<td><textarea name="{{ p }}-requirement" id="id_{{ p }}-requirement" rows="3" required{% if e.requirement %} aria-invalid="true"{% endif %}>{{ v.requirement }}</textarea>{% for m in e.requirement %}<span class="error">{{ m }}</span>{% endfor %}</td>"""
    """<td class="nowrap"><input type="date" name="{{ p }}-due_date" id="id_{{ p }}-due_date" value="{{ v.due_date }}" required{% if e.due_date %} aria-invalid="true"{% endif %}>{% if row.item.due_date <= today %}<br><span class="warn-text small">时限已到或已过</span>{% endif %}{% for m in e.due_date %}<span class="error">{{ m }}</span>{% endfor %}</td>"""
    """<td><input type="checkbox" name="{{ p }}-remove" id="id_{{ p }}-remove"{% if v.remove %} checked{% endif %}></td>"""
    """</tr>{% endwith %}{% endfor %}"""
)
TODAY = date(2026, 12, 2)


def _row(pk, *, project=True, level="", due=date(2026, 12, 20), budget=Decimal("1234567.89"), paid=None):
    item = SimpleNamespace(
        pk=pk,
        position=pk,
        project=object() if project else None,
        project_id=pk if project else None,
        due_date=due,
        get_source_display=lambda: "预警",
    )
    paid = Decimal("345678.00") if paid is None else paid
    return SimpleNamespace(
        item=item,
        level=level,
        budget=budget if project else None,
        paid=paid if project else None,
        execution_rate=paid / budget if project and budget else None,
    )


def _inputs(pk, **shown):
    values = {
        "project": "2026-S1-01 “校园”<维修> & 改造",
        "problem": '执行率偏低，"进度" <滞后>',
        "requirement": "加快支付\n按月报送",
        "due_date": "2026-12-20",
        "remove": False,
    }
    return ItemInputs(prefix=f"item-{pk}", shown={**values, **shown})


CASES = [
    (_row(1, level="red"), _inputs(1)),
    (_row(1234, level="red"), _inputs(1234)),
    (_row(2, level="yellow", due=TODAY), _inputs(2, remove=True)),
    (_row(3, level="green", due=date(2026, 11, 1)), _inputs(3)),
    (_row(4, project=False), _inputs(4, project="")),
    (_row(5, budget=Decimal("0")), _inputs(5)),
    (
        _row(6, level="red"),
        ItemInputs(
            prefix="item-6",
            shown={"project": "不存在", "problem": "", "requirement": "x", "due_date": "2026-13-01"},
            errors={
                "project": ["未找到该项目。"],
                "problem": ["必须填写。"],
                "due_date": ["请输入有效日期。", "<b>"],
            },
        ),
    ),
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_each_row_is_the_row_the_template_drew(case):
    forms = [CASES[case]]
    search_url = "/review/feedback/7/projects/?a=1&b=2"
    expected = LOOP.render(Context({"item_forms": forms, "search_url": search_url, "today": TODAY}))
    assert feedback_item_rows(forms, search_url, TODAY) == expected


def test_all_rows_in_order():
    expected = LOOP.render(Context({"item_forms": CASES, "search_url": "/s/", "today": TODAY}))
    assert feedback_item_rows(CASES, "/s/", TODAY) == expected


# The read page's loop as it was written before.
READ_LOOP = Template(
    "{% load jixiao %}"
    "    {% for row in rows %}{% with item=row.item %}<tr>\n"
    '      <td class="num">{{ item.position }}</td>\n'
    "      <td>{% if item.project %}{{ item.project.name }}{% else %}单位整体{% endif %}</td>\n"
    '      <td class="code">{{ item.project.code|default:"" }}</td>\n'
    '      <td class="num">{% if item.project %}{{ row.budget|wan }}{% endif %}</td>\n'
    '      <td class="num">{% if item.project %}{{ row.paid|wan }}{% endif %}</td>\n'
    '      <td class="num">{% if item.project %}{{ row.execution_rate|pct }}{% endif %}</td>\n'
    '      <td>{% if row.level %}{% include "includes/level_tag.html" with level=row.level %}{% endif %}</td>\n'
    "      <td>{{ item.problem|linebreaksbr }}</td>\n"
    "      <td>{{ item.requirement|linebreaksbr }}</td>\n"
    '      <td class="nowrap">{{ item.due_date|date:"Y-m-d" }}</td>\n'
    "      <td>{{ item.get_source_display }}</td>\n"
    "      <td>{{ row.response|linebreaksbr }}</td>\n"
    '      <td class="nowrap">{{ row.completed_on|date:"Y-m-d" }}</td>\n'
    "      <td>{% for name in row.evidence %}{{ name }}{% if not forloop.last %}<br>{% endif %}{% endfor %}</td>\n"
    "      <td>{{ row.verification|linebreaksbr }}</td>\n"
    '    </tr>{% endwith %}{% empty %}<tr><td colspan="15" class="muted">本次监控未发现需要整改的问题。</td></tr>{% endfor %}\n'
)


def _read(pk, *, project=True, level="", answer=False):
    row = _row(pk, project=project, level=level)
    row.item.project = (
        SimpleNamespace(name="“校园”<维修> & 改造", code=f"2026-S1-{pk:04d}") if project else None
    )
    row.item.problem = '执行率偏低，"进度" <滞后>\n第二行'
    row.item.requirement = "加快支付\n\n按月报送"
    row.response = "已完成<支付>\n见附件" if answer else ""
    row.completed_on = date(2026, 11, 30) if answer else None
    row.evidence = ("凭证<1>.pdf", "合同.docx") if answer else ()
    row.verification = "核查属实" if answer else ""
    return row


READ_CASES = [
    _read(1, level="red", answer=True),
    _read(2, level="yellow"),
    _read(3, level="blue"),
    _read(4, level="green"),
    _read(5, project=False),
    _read(1234, level="red"),
]


@pytest.mark.parametrize("case", range(len(READ_CASES)))
def test_each_read_row_is_the_row_the_template_drew(case):
    rows = [READ_CASES[case]]
    drawn = READ_LOOP.render(Context({"rows": rows}))  # with the template line's indent and newline
    assert "    " + feedback_read_rows(rows) + "\n" == drawn
