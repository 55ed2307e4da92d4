"""The deadline-day load's preparation, the form its clients post back, and the exactly-once check."""

import re
import sys
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from jixiao.demo.demo_data import DEMO_PASSWORD
from jixiao.demo.load.check import check_load
from jixiao.demo.load.htmlform import form_fields
from jixiao.demo.load.prepare import prepare_load
from jixiao.monitoring.models import AnalysisReport
from jixiao.monitoring.policy import can_fill
from jixiao.organisations.models import Organisation, User
from jixiao.projects.models import Project
from jixiao.workflow.models import SubmissionState
from jixiao.workflow.policy import can_submit
from jixiao.workflow.services import submission_for, submission_submit, submission_withdraw

FILLERS, LEADERS = 6, 2
CSRF_VALUE = re.compile(r"\b[A-Za-z0-9]{64}\b")  # the masked CSRF token, new on every page


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """A small demo district, seeded once for the module (each test's changes are rolled back)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", "--projects", "300", "--year", "2026", stdout=StringIO())
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def plan(demo, db):
    return prepare_load(fillers=FILLERS, leaders=LEADERS, password=DEMO_PASSWORD)


def package_of(plan, leader):
    cycle = AnalysisReport.objects.get(project=plan["fillers"][0]["project"]).cycle
    return submission_for(organisation=Organisation.objects.get(pk=leader["unit"]), cycle=cycle)


def test_each_filler_has_a_report_of_its_own_and_each_leader_a_package_to_send(plan):
    projects = [filler["project"] for filler in plan["fillers"]]
    assert len(set(projects)) == FILLERS
    leader_units = {leader["unit"] for leader in plan["leaders"]}
    assert len(leader_units) == LEADERS
    for filler in plan["fillers"]:
        user = User.objects.get(username=filler["username"])
        assert user.check_password(DEMO_PASSWORD)
        report = AnalysisReport.objects.select_related("project", "cycle").get(project=filler["project"])
        assert report.revision == filler["revision"]
        assert report.project.owner_id not in leader_units
        assert can_fill(user, report.project, cycle=report.cycle, report=report)
    for leader in plan["leaders"]:
        submission = package_of(plan, leader)
        assert submission.state in (SubmissionState.DRAFT, SubmissionState.RETURNED)
        assert can_submit(User.objects.get(username=leader["username"]), submission)


def test_a_second_run_keeps_the_accounts_and_brings_a_sent_package_back(plan):
    leader = plan["leaders"][0]
    user = User.objects.get(username=leader["username"])
    submission_submit(submission=package_of(plan, leader), acting_user=user, confirmed=True)
    again = prepare_load(fillers=FILLERS, leaders=LEADERS, password=DEMO_PASSWORD)
    assert [(a["username"], a["unit"]) for a in again["leaders"]] == [
        (a["username"], a["unit"]) for a in plan["leaders"]
    ]
    assert [(a["username"], a["project"]) for a in again["fillers"]] == [
        (a["username"], a["project"]) for a in plan["fillers"]
    ]
    assert package_of(plan, leader).state == SubmissionState.DRAFT
    assert again["transitions_before"] > plan["transitions_before"]


def test_each_account_comes_signed_in(plan, client):
    filler = plan["fillers"][0]
    client.cookies[plan["session_cookie"]] = filler["session"]
    url = reverse("monitoring:report_edit", args=[plan["cycle"], filler["project"]])
    response = client.get(url)
    assert response.status_code == 200
    assert response.wsgi_request.user.username == filler["username"]


def test_the_form_read_from_the_page_saves_as_the_browser_would(plan, client):
    filler = plan["fillers"][0]
    client.force_login(User.objects.get(username=filler["username"]))
    url = reverse("monitoring:report_edit", args=[plan["cycle"], filler["project"]])
    fields = dict(form_fields(client.get(url).content.decode(), "report-form"))
    assert fields["revision"] == str(filler["revision"])
    fields[plan["token_field"]] = "压测 token-1"
    response = client.post(url, fields)
    assert response.status_code == 302
    report = AnalysisReport.objects.get(project=filler["project"])
    assert report.revision == filler["revision"] + 1
    assert report.narrative_funds == "压测 token-1"
    # Nothing else moved: the form read back is the form posted, but for the token and the revision.
    again = dict(form_fields(client.get(url).content.decode(), "report-form"))
    assert {k: v for k, v in again.items() if k not in ("revision", "csrfmiddlewaretoken")} == {
        k: v for k, v in fields.items() if k not in ("revision", "csrfmiddlewaretoken")
    }


def save_through_the_page(client, plan, filler, token: str) -> None:
    url = reverse("monitoring:report_edit", args=[plan["cycle"], filler["project"]])
    fields = dict(form_fields(client.get(url).content.decode(), "report-form"))
    fields[plan["token_field"]] = f"压测 {token}"
    assert client.post(url, fields).status_code == 302


@pytest.fixture
def played(plan, client):
    """Two saves of the first filler and a send and withdrawal of the first leader, all acknowledged."""
    filler, leader = plan["fillers"][0], plan["leaders"][0]
    client.force_login(User.objects.get(username=filler["username"]))
    save_through_the_page(client, plan, filler, "t1")
    save_through_the_page(client, plan, filler, "t2")
    user = User.objects.get(username=leader["username"])
    submission_submit(submission=package_of(plan, leader), acting_user=user, confirmed=True)
    submission_withdraw(submission=package_of(plan, leader), acting_user=user)
    return [
        {"kind": "save", "project": filler["project"], "token": "t1"},
        {"kind": "save", "project": filler["project"], "token": "t2"},
        {"kind": "submit", "unit": leader["unit"]},
        {"kind": "withdraw", "unit": leader["unit"]},
    ]


def test_what_was_acknowledged_and_stored_once_passes(plan, played):
    counts, problems = check_load(plan=plan, acknowledgements=played)
    assert problems == []
    assert counts == {"saves": 2, "submits": 1, "withdraws": 1, "refused": 0, "unknown": 0}


def test_a_lost_save_is_found(plan, played):
    lost = [*played, {"kind": "save", "project": plan["fillers"][0]["project"], "token": "t3"}]
    _counts, problems = check_load(plan=plan, acknowledgements=lost)
    assert problems == [
        f"项目 {plan['fillers'][0]['project']}：确认保存 3 次，修订号前进 2 次。",
        f"项目 {plan['fillers'][0]['project']}：最后确认的保存 t3 不是库中内容。",
    ]


def test_a_save_stored_without_acknowledgement_is_found(plan, played):
    _counts, problems = check_load(plan=plan, acknowledgements=played[1:])
    assert problems == [f"项目 {plan['fillers'][0]['project']}：确认保存 1 次，修订号前进 2 次。"]


def test_a_doubled_or_lost_submission_is_found(plan, played):
    unit = plan["leaders"][0]["unit"]
    doubled = [*played, {"kind": "submit", "unit": unit}]
    assert check_load(plan=plan, acknowledgements=doubled)[1] == [
        f"单位 {unit}：确认报送 2 次，办理记录 1 条。"
    ]
    unacknowledged = [entry for entry in played if entry["kind"] != "withdraw"]
    assert check_load(plan=plan, acknowledgements=unacknowledged)[1] == [
        f"单位 {unit}：确认撤回 0 次，办理记录 1 条。"
    ]


def test_an_unknown_outcome_fails_the_check(plan, played):
    unknown = {"kind": "unknown", "project": plan["fillers"][1]["project"], "status": 0}
    _counts, problems = check_load(plan=plan, acknowledgements=[*played, unknown])
    assert problems == [f"结果不明的请求：{unknown}"]


def test_too_few_units_to_send_is_refused_in_words(demo, db):
    with pytest.raises(ValidationError, match="可供报送的二级单位不足"):
        prepare_load(fillers=1, leaders=Project.objects.count(), password=DEMO_PASSWORD)


def test_the_hot_pages_are_the_same_with_widgets_drawn_in_python(plan, client, settings):
    """附件1 in both states (as stored and with errors after a refused save) and the package page."""
    filler, leader = plan["fillers"][0], plan["leaders"][0]
    report_url = reverse("monitoring:report_edit", args=[plan["cycle"], filler["project"]])
    package_url = reverse("workflow:package", args=[plan["cycle"], leader["unit"]])
    filler_user, leader_user = (User.objects.get(username=a["username"]) for a in (filler, leader))

    def pages() -> list[str]:
        client.force_login(filler_user)
        fields = dict(form_fields(client.get(report_url).content.decode(), "report-form"))
        shown = [client.get(report_url), client.post(report_url, {**fields, "projected_fiscal": "x"})]
        shown.append(client.post(report_url + "preview/", fields))
        client.force_login(leader_user)
        shown.append(client.get(package_url))
        return [CSRF_VALUE.sub("", page.content.decode()) for page in shown]

    drawn = pages()
    settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
    assert pages() == drawn
