"""One validation of 附件1 inputs on every path: the web form, the live preview and the workbook import.

Values that cannot be meant (too large, negative counts, a share over 100%, `85%` in a count, `1,2.3`, a
date in 1900) are refused with a Chinese message naming the field or cell, and nothing is written; odd
but possible values are kept and shown with a note.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.audit.models import AuditRecord
from jixiao.monitoring import plausibility
from jixiao.monitoring.evaluation import indicator_figures
from jixiao.monitoring.forms import EntryForm, ReportForm
from jixiao.monitoring.models import AnalysisReport, IndicatorEntry
from jixiao.monitoring.services import report_save
from jixiao.monitoring.tests.test_workbook import (
    do_import,
    export,
    funds_cell,
    indicator_cell,
    indicator_ids,
    right_of,
    to_bytes,
)

pytestmark = pytest.mark.django_db

HUGE = ["1e30", "99999999999999999999999"]


def page_url(name, district):
    return reverse(f"monitoring:{name}", args=[district.cycle.pk, district.project_s1.pk])


def post(client, district, name, data):
    client.force_login(district.s1_filler)
    return client.post(page_url(name, district), {"revision": "0", **data})


def entry_key(district, indicator, field):
    return f"i{indicator_ids(district.project_s1)[indicator]}-{field}"


@pytest.mark.parametrize("typed", HUGE)
def test_huge_amount_on_the_form_is_refused_in_chinese(client, district, typed):
    response = post(client, district, "report_edit", {"projected_fiscal": typed})
    assert response.status_code == 400
    assert "数值过大" in response.content.decode()
    assert not AnalysisReport.objects.exists()


@pytest.mark.parametrize("typed", HUGE)
def test_huge_amount_in_the_live_preview_is_ignored_until_corrected(client, district, typed):
    response = post(client, district, "report_preview", {"projected_fiscal": typed})
    assert response.status_code == 200
    assert not AnalysisReport.objects.exists()


@pytest.mark.parametrize("typed", [*HUGE, "1e999999"])
def test_huge_amount_in_a_workbook_names_its_cell(district, typed):
    wb = export(district)
    cell = funds_cell(wb.active, "其中：财政拨款", "全年预计执行数")
    cell.value = typed
    result = do_import(to_bytes(wb), district.s1_filler)
    assert not result.ok
    assert [(c, "数值过大" in m) for _s, c, m in result.errors] == [(cell.coordinate, True)]
    assert not AnalysisReport.objects.exists()


def test_huge_number_typed_as_a_spreadsheet_number_is_refused(district):
    wb = export(district)
    cell = indicator_cell(wb.active, "培训人数", "1—8月实际完成值")
    cell.value = 1e30
    result = do_import(to_bytes(wb), district.s1_filler)
    assert [c for _s, c, _m in result.errors] == [cell.coordinate]
    assert "数值过大" in result.errors[0][2]


REFUSED_ENTRIES = [
    ("培训人数", "actual_number", "-10", "不能为负数"),
    ("培训人数", "projected_number", "85%", "不是百分比"),
    ("培训人数", "actual_number", "1,2.3", "千分位"),
    ("验收合格率", "actual_number", "-5%", "不能为负数"),
    ("验收合格率", "projected_number", "120%", "不能超过 100%"),
    ("完工时间", "actual_date", "1900-01-01", "相差超过 5 年"),
    ("完工时间", "projected_date", "2062-11-30", "相差超过 5 年"),
]
REFUSED_REPORT = [
    ("projected_fiscal", "85%", "不是百分比"),
    ("projected_other", "1,2.3", "千分位"),
    ("projected_other", "-5", "大于或等于"),
    ("filled_on", "1900-01-01", "相差超过 5 年"),
]


@pytest.mark.parametrize(("indicator", "field", "typed", "reason"), REFUSED_ENTRIES)
def test_implausible_entry_is_refused_on_the_form(client, district, indicator, field, typed, reason):
    key = entry_key(district, indicator, field)
    response = post(client, district, "report_edit", {key: typed})
    assert response.status_code == 400
    html = response.content.decode()
    assert reason in html
    assert f'name="{key}" value="{typed}"' in html  # what was typed stays on the page
    assert 'aria-invalid="true"' in html and "autofocus" in html
    assert not AnalysisReport.objects.exists()


@pytest.mark.parametrize(("field", "typed", "reason"), REFUSED_REPORT)
def test_implausible_report_value_is_refused_on_the_form(client, district, field, typed, reason):
    response = post(client, district, "report_edit", {field: typed})
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not AnalysisReport.objects.exists()


def test_a_refused_value_counts_as_empty_in_the_live_preview(client, district):
    key = entry_key(district, "验收合格率", "actual_number")
    refused = post(client, district, "report_preview", {key: "120%"}).content.decode()
    empty = post(client, district, "report_preview", {key: ""}).content.decode()
    assert refused == empty
    assert not AnalysisReport.objects.exists()


@pytest.mark.parametrize(("indicator", "field", "typed", "reason"), REFUSED_ENTRIES)
def test_implausible_entry_is_refused_in_a_workbook_with_its_cell(district, indicator, field, typed, reason):
    wb = export(district)
    header = "全年预计完成值" if field.startswith("projected") else "1—8月实际完成值"
    cell = indicator_cell(wb.active, indicator, header)
    cell.value = typed
    cell.number_format = "@"
    result = do_import(to_bytes(wb), district.s1_filler)
    assert not result.ok
    assert [c for _s, c, _m in result.errors] == [cell.coordinate]
    assert reason in result.errors[0][2] and indicator in result.errors[0][2]
    assert not AnalysisReport.objects.exists()


def test_a_far_filled_on_date_is_refused_in_a_workbook(district):
    wb = export(district)
    cell = right_of(wb.active, "填报日期")
    cell.value = date(1900, 1, 1)
    result = do_import(to_bytes(wb), district.s1_filler)
    assert [c for _s, c, _m in result.errors] == [cell.coordinate]
    assert "相差超过 5 年" in result.errors[0][2]


def test_odd_but_possible_values_are_kept_with_a_note(client, district):
    keys = {
        entry_key(district, "培训人数", "actual_number"): "320",
        entry_key(district, "培训人数", "projected_number"): "300",
        entry_key(district, "验收合格率", "actual_number"): "100%",
    }
    response = post(client, district, "report_edit", keys)
    assert response.status_code == 302
    entry = IndicatorEntry.objects.get(indicator__name="培训人数")
    assert (entry.actual_number, entry.projected_number) == (Decimal("320"), Decimal("300"))
    page = client.get(page_url("report_edit", district)).content.decode()
    assert "全年预计完成值小于 1—8 月实际完成值，请确认。" in page
    assert (
        "全年预计完成值小于"
        in post(client, district, "report_preview", {"revision": "1", **keys}).content.decode()
    )


def figures(district, name, **entry):
    indicator = district.project_s1.current_target.indicators.get(name=name)
    return indicator_figures(indicator, IndicatorEntry(**entry))


@pytest.mark.parametrize(
    ("name", "entry", "refused"),
    [
        ("培训人数", {"actual_number": Decimal("0")}, set()),
        ("培训人数", {"actual_number": Decimal("-0.01")}, {"actual_number"}),
        ("培训人数", {"projected_number": Decimal("-1")}, {"projected_number"}),
        ("培训人数", {"actual_number": Decimal("5000")}, set()),  # a count may exceed its target
        ("验收合格率", {"actual_number": Decimal("100")}, set()),
        ("验收合格率", {"actual_number": Decimal("100.01")}, {"actual_number"}),
        ("验收合格率", {"projected_number": Decimal("120")}, {"projected_number"}),
        ("完工时间", {"actual_date": date(2021, 1, 1)}, set()),
        ("完工时间", {"actual_date": date(2020, 12, 31)}, {"actual_date"}),
        ("完工时间", {"projected_date": date(2031, 12, 31)}, set()),
        ("完工时间", {"projected_date": date(2032, 1, 1)}, {"projected_date"}),
    ],
)
def test_entry_refusals_line_by_line(district, name, entry, refused):
    assert set(plausibility.entry_refusals(figures(district, name, **entry), year=2026)) == refused


def test_a_rate_whose_target_is_not_a_share_may_exceed_100(district):
    share = figures(district, "验收合格率", actual_number=Decimal("120"))
    growth = share._replace(progress_type="cumulative")
    assert plausibility.entry_refusals(share, year=2026)
    assert not plausibility.entry_refusals(growth, year=2026)


@pytest.mark.parametrize(
    ("name", "entry", "note"),
    [
        ("培训人数", {"actual_number": Decimal("320"), "projected_number": Decimal("300")}, "小于"),
        ("培训人数", {"actual_number": Decimal("5000")}, "10 倍"),
        ("培训人数", {"actual_number": Decimal("4999")}, None),
        ("完工时间", {"actual_date": date(2026, 9, 1)}, "晚于本期监控截止日"),
        ("完工时间", {"actual_date": date(2026, 8, 31)}, None),
        ("完工时间", {"actual_date": date(2025, 12, 31)}, "早于2026年"),
    ],
)
def test_entry_notes_line_by_line(district, name, entry, note):
    notes = plausibility.entry_notes(figures(district, name, **entry), year=2026, period_end_month=8)
    assert (note is None and notes == []) or (len(notes) == 1 and note in notes[0])


def test_an_import_writes_one_audit_record(district):
    result = do_import(to_bytes(export(district)), district.s1_filler, filename="填好的.xlsx")
    assert result.ok, result.errors
    record = AuditRecord.objects.get(object_type="monitoring.analysisreport")
    assert (record.action, record.comment) == ("report.import", "导入Excel：填好的.xlsx")


def test_odd_values_in_a_workbook_are_imported_with_a_note_at_their_cell(district):
    wb = export(district)
    actual = indicator_cell(wb.active, "培训人数", "1—8月实际完成值")
    actual.value = 320
    indicator_cell(wb.active, "培训人数", "全年预计完成值").value = 300
    result = do_import(to_bytes(wb), district.s1_filler)
    assert result.ok, result.errors
    assert result.notes == [
        ("附件1", actual.coordinate, "指标“培训人数”：全年预计完成值小于 1—8 月实际完成值，请确认。")
    ]
    assert result.as_dict()["notes"][0]["cell"] == actual.coordinate
    assert IndicatorEntry.objects.get(indicator__name="培训人数").projected_number == Decimal("300")


def test_numbers_show_as_written_on_the_form_and_the_print_view(client, district):
    keys = {
        "projected_fiscal": "7.8",
        entry_key(district, "培训人数", "actual_number"): "97",
        entry_key(district, "验收合格率", "actual_number"): "99.5%",
    }
    assert post(client, district, "report_edit", keys).status_code == 302
    form = client.get(page_url("report_edit", district)).content.decode()
    assert 'name="projected_fiscal" value="7.80"' in form
    assert f'name="{entry_key(district, "培训人数", "actual_number")}" value="97"' in form
    assert f'name="{entry_key(district, "验收合格率", "actual_number")}" value="99.5"' in form
    assert "97.0000" not in form and "99.5000" not in form
    printed = client.get(page_url("report_print", district)).content.decode()
    assert "97人" in printed and "99.5%" in printed and "7.80" in printed
    assert "97.0000" not in printed


def test_warnings_name_their_indicator_on_the_form_the_preview_and_the_print_view(client, district):
    likelihood = {entry_key(district, "培训人数", "likelihood"): "possible"}
    expected = "培训人数：完成目标可能性为“有可能”"
    assert expected in post(client, district, "report_preview", likelihood).content.decode()
    assert post(client, district, "report_edit", likelihood).status_code == 302
    assert expected in client.get(page_url("report_edit", district)).content.decode()
    assert expected in client.get(page_url("report_print", district)).content.decode()


def test_an_error_is_shown_beside_its_field_and_the_page_opens_at_the_first(client, district):
    rate = entry_key(district, "验收合格率", "actual_number")
    count = entry_key(district, "培训人数", "actual_number")
    html = post(client, district, "report_edit", {rate: "120%", count: "-10", "filled_on": "1900-01-01"})
    html = html.content.decode()
    first = html.index(f'name="{count}"')  # 培训人数 stands above 验收合格率, both above 填报日期
    assert html.count("autofocus") == 1
    assert html.rfind("<input", 0, html.index("autofocus")) == html.rfind("<input", 0, first + 1)
    beside = html[first : html.index("</td>", first)]
    assert "不能为负数" in beside and 'class="error field-error"' in beside


def test_the_service_refuses_what_the_forms_refuse(district):
    ids = indicator_ids(district.project_s1)
    attempts = [
        ({}, {ids["培训人数"]: {"actual_number": Decimal("-10")}}, "不能为负数"),
        ({}, {ids["验收合格率"]: {"actual_number": Decimal("120")}}, "不能超过 100%"),
        ({"filled_on": date(1900, 1, 1)}, {}, "相差超过 5 年"),
    ]
    for values, entries, reason in attempts:
        with pytest.raises(ValidationError) as refused:
            report_save(
                project=district.project_s1,
                cycle=district.cycle,
                values=values,
                entries=entries,
                expected_revision=0,
                acting_user=district.s1_filler,
            )
        assert any(reason in message for message in refused.value.messages)
    assert not AnalysisReport.objects.exists()


@pytest.mark.parametrize("where", ["money", "count"])
def test_a_percent_typed_into_a_count_or_amount_cell_of_a_workbook_is_refused(district, where):
    """Excel stores `85%` typed into a plain cell as 0.85 with a percent format."""
    wb = export(district)
    if where == "money":
        cell = funds_cell(wb.active, "其中：财政拨款", "全年预计执行数")
    else:
        cell = indicator_cell(wb.active, "培训人数", "1—8月实际完成值")
    cell.value = 0.85
    cell.number_format = "0%"
    result = do_import(to_bytes(wb), district.s1_filler)
    assert [c for _s, c, _m in result.errors] == [cell.coordinate]
    assert "“85%”：此栏不是百分比" in result.errors[0][2]
    assert not AnalysisReport.objects.exists()


_typed = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789,.%eE+-—/年月日 ", max_size=30),
    st.from_regex(r"-?[0-9]{1,30}(\.[0-9]{1,10})?(e[0-9]{1,7})?%?", fullmatch=True),
    st.from_regex(r"[0-9]{20,40}|[0-9]e[1-9][0-9]{1,5}", fullmatch=True),  # beyond any field's size
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_typed, min_size=15, max_size=15))
def test_any_typing_into_the_forms_validates_or_refuses_and_never_fails(district, typed):
    """What the form, the preview and the import all do first: validate, never raise."""
    report_data = dict(zip(["projected_fiscal", "projected_other", "filled_on"], typed, strict=False))
    report_form = ReportForm({"revision": "0", **report_data}, report=None, cycle=district.cycle)
    assert report_form.is_valid() in (True, False)
    values = iter(typed[3:])
    for indicator in district.project_s1.current_target.indicators.all():
        prefix = f"i{indicator.pk}"
        data = {f"{prefix}-{name}": next(values) for name in ("actual_number", "projected_number")}
        data.update({f"{prefix}-actual_date": next(values), f"{prefix}-projected_date": next(values)})
        form = EntryForm(data, indicator=indicator, entry=None, cycle=district.cycle)
        if not form.is_valid():
            assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for ms in form.errors.values() for m in ms)


def test_the_upload_page_lists_the_notes_of_an_imported_workbook(client, district):
    wb = export(district)
    actual = indicator_cell(wb.active, "培训人数", "1—8月实际完成值")
    actual.value = 320
    indicator_cell(wb.active, "培训人数", "全年预计完成值").value = 300
    client.force_login(district.s1_filler)
    upload = SimpleUploadedFile("odd.xlsx", to_bytes(wb))
    response = client.post(reverse("monitoring:report_import", args=[district.cycle.pk]), {"files": [upload]})
    html = response.content.decode()
    assert "已导入" in html
    assert f"提示：附件1 · {actual.coordinate}：指标“培训人数”：全年预计完成值小于 1—8 月实际完成值" in html
