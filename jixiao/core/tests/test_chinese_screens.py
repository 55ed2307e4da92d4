"""The sysadmin's admin screens and the auditor's log speak Chinese: no English interface words, no raw
action or state codes (usernames, unit codes and other data may be in any script)."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from jixiao.audit.models import ACTION_LABELS
from jixiao.monitoring.models import CycleStatus
from jixiao.rectification.models import RectificationSource, RectificationState
from jixiao.review.models import FeedbackState, KeyItemSource
from jixiao.testing import EXPLANATION, fill_ready_report
from jixiao.workflow.models import SubmissionState
from jixiao.workflow.services import (
    submission_for,
    submission_return,
    submission_save_explanation,
    submission_submit,
    submission_withdraw,
)

pytestmark = pytest.mark.django_db

ENGLISH_UI = [
    "After you",
    "Add",
    "Save",
    "Delete",
    "History",
    "Change",
    "Search",
    "Model name",
    "Error",
    "Filter",
    "Home",
    "Log out",
    "View site",
    "Password",
    "Username",
    "True",
    "False",
    "Yes",
    "No",
    "None",
    "Unknown",
]
STATE_CODES = sorted(
    {
        str(value)
        for choices in (
            CycleStatus,
            SubmissionState,
            FeedbackState,
            RectificationState,
            RectificationSource,
            KeyItemSource,
        )
        for value in choices.values
    }
)
# Words people read: the text between tags and the attributes a browser shows or reads out.
SHOWN_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}


class ShownText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "style", "template"}:
            self.hidden_depth += 1
        for name in SHOWN_ATTRIBUTES & attrs.keys():
            self.parts.append(attrs[name] or "")
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"}:
            self.parts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"}:
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth:
            self.parts.append(data)


def english_on(html: str) -> list[str]:
    parser = ShownText()
    parser.feed(html)
    text = "\n".join(parser.parts)
    found = [word for word in ENGLISH_UI if re.search(rf"(?<![\w.]){re.escape(word)}(?![\w.])", text)]
    found += [code for code in ACTION_LABELS if code in text]
    found += [code for code in STATE_CODES if re.search(rf"(?<![\w.-]){code}(?![\w.-])", text)]
    return found


@pytest.fixture
def sysadmin_client(client, district):
    district.sysadmin.is_staff = district.sysadmin.is_superuser = True
    district.sysadmin.save()
    client.force_login(district.sysadmin)
    return client


def admin_pages(district) -> list[str]:
    unit, person, cycle = district.p1.pk, district.s1_filler.pk, district.cycle.pk
    pages = [reverse("admin:index"), reverse("admin:app_list", args=["organisations"])]
    pages += [reverse("admin:app_list", args=["monitoring"])]
    for model, pk in [
        ("organisations_organisation", unit),
        ("organisations_user", person),
        ("monitoring_monitoringcycle", cycle),
    ]:
        pages += [
            reverse(f"admin:{model}_changelist"),
            reverse(f"admin:{model}_changelist") + "?q=区",
            reverse(f"admin:{model}_add"),
            reverse(f"admin:{model}_change", args=[pk]),
            reverse(f"admin:{model}_history", args=[pk]),
        ]
    pages.append(reverse("admin:auth_user_password_change", args=[person]))
    return pages


def test_admin_screens_are_chinese(sysadmin_client, district):
    found = {}
    for url in admin_pages(district):
        response = sysadmin_client.get(url)
        assert response.status_code == 200, url
        if english := english_on(response.content.decode()):
            found[url] = english
    assert found == {}


def test_admin_errors_and_messages_are_chinese(sysadmin_client, district):
    refused = sysadmin_client.post(
        reverse("admin:organisations_user_add"),
        {
            "username": "",
            "password1": "a",
            "password2": "b",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert refused.status_code == 200
    assert "errornote" in refused.content.decode()
    assert english_on(refused.content.decode()) == []
    saved = sysadmin_client.post(
        reverse("admin:organisations_organisation_change", args=[district.s2.pk]),
        {"code": "S2", "name": "第二中学（新址）", "kind": "secondary_unit", "parent": district.p1.pk},
        follow=True,
    )
    assert saved.redirect_chain and "第二中学（新址）" in saved.content.decode()
    assert english_on(saved.content.decode()) == []


def test_audit_log_shows_actions_and_states_in_chinese(client, district):
    fill_ready_report(district, district.project_s1, district.s1_filler)
    package = submission_for(organisation=district.s1, cycle=district.cycle)
    package = submission_save_explanation(
        submission=package, values=EXPLANATION, acting_user=district.s1_filler
    )
    package = submission_submit(submission=package, acting_user=district.s1_leader)
    package = submission_withdraw(submission=package, acting_user=district.s1_leader)
    package = submission_submit(submission=package, acting_user=district.s1_leader)
    submission_return(submission=package, comment="请补充偏差分析", acting_user=district.p1_leader)
    client.force_login(district.auditor)
    content = client.get(reverse("audit:audit_list")).content.decode()
    assert english_on(content) == []
    assert "（无） → 进行中" in content  # the cycle opened by the system
    assert "未报送 → 已报送" in content and "已报送 → 已退回" in content
    assert "退回补正" in content
