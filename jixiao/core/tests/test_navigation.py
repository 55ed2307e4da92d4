"""The main menu marks the section the page belongs to, on section pages and on their sub-pages."""

import re

import pytest
from django.urls import reverse

from jixiao.testing import feedback_issued

pytestmark = pytest.mark.django_db

ACTIVE_ITEM = re.compile(r'<a href="[^"]*" class="active" aria-current="page">([^<]+)</a>')
MAIN_MENU = re.compile(r'<nav class="mainnav"[^>]*>(.*?)</nav>', re.S)


def active_items(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    menu = MAIN_MENU.search(response.content.decode())
    assert menu, url
    return ACTIVE_ITEM.findall(menu.group(1))


def pages(district) -> list[tuple[str, str, list[str]]]:
    """(user, page, the menu items marked on it)."""
    cycle, s1, p1 = district.cycle.pk, district.s1.pk, district.p1.pk
    project = district.project_s1.pk
    feedback = feedback_issued(district, district.town).pk
    return [
        ("s1_filler", reverse("home"), ["工作台"]),
        ("s1_filler", reverse("projects:project_list"), ["项目"]),
        ("s1_filler", reverse("projects:project_detail", args=[project]), ["项目"]),
        ("s1_filler", reverse("monitoring:report_edit", args=[cycle, project]), ["项目"]),
        ("s1_filler", reverse("organisations:unit_list"), ["单位"]),
        ("s1_filler", reverse("organisations:unit_detail", args=[s1]), ["单位"]),
        ("s1_leader", reverse("workflow:index"), ["报送与审核"]),
        ("s1_leader", reverse("workflow:package", args=[cycle, s1]), ["报送与审核"]),
        ("s1_leader", reverse("notifications:index"), []),
        ("s1_leader", reverse("password_change"), []),
        ("supervision_staff", reverse("review:index"), ["财政审核"]),
        ("supervision_staff", reverse("review:supervision", args=[cycle]), ["财政审核"]),
        ("supervision_staff", reverse("review:supervision_unit", args=[cycle, p1]), ["财政审核"]),
        ("counterpart_a", reverse("review:counterpart", args=[cycle]), ["财政审核"]),
        ("counterpart_a", reverse("review:feedback", args=[feedback]), ["财政审核"]),
        ("town_filler", reverse("review:feedback", args=[feedback]), ["财政审核"]),
        ("counterpart_a", reverse("rectification:index"), ["整改落实"]),
        ("town_filler", reverse("rectification:feedback", args=[feedback]), ["整改落实"]),
        ("counterpart_a", reverse("rectification:cycle", args=[cycle]), ["整改落实"]),
        ("supervision_staff", reverse("monitoring:cycle_list"), ["监控周期"]),
        ("supervision_staff", reverse("monitoring:cycle_detail", args=[cycle]), ["监控周期"]),
        ("supervision_staff", reverse("monitoring:report_import", args=[cycle]), ["监控周期"]),
        ("auditor", reverse("audit:audit_list"), ["审计日志"]),
    ]


def test_each_page_marks_its_own_section(client, district):
    wrong = []
    for username, url, expected in pages(district):
        client.force_login(district.users[username])
        marked = active_items(client, url)
        if marked != expected:
            wrong.append((url, marked, expected))
    assert wrong == []
