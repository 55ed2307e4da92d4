"""Schemathesis drives every operation of the published schema against the application: no answer is a
server error, and every answer (2xx and refusals alike) has the status, content type and shape the
schema declares. Bounded to a few examples per operation so that it stays quick."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jixiao.api.tests.helpers import make_token
from jixiao.monitoring.models import AnalysisReport
from jixiao.testing import EXPLANATION, fill_ready_report
from jixiao.workflow.models import Submission
from jixiao.workflow.services import submission_for, submission_save_explanation

CSRF = "a" * 32
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def district(shared_district, db):
    return shared_district


@pytest.fixture
def session_cookies(district):
    """S1's leader signed in: reads S1's data, may save its 附件1 and send its package (CSRF included)."""
    fill_ready_report(district, district.project_s1, district.s1_filler)
    package = submission_for(organisation=district.s1, cycle=district.cycle)
    submission_save_explanation(submission=package, values=EXPLANATION, acting_user=district.s1_filler)
    client = APIClient()
    client.force_login(district.s1_leader)
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}


@pytest.fixture
def wsgi_app():
    """The WSGI application as a server runs it, but keeping the test's database connection open between
    requests (as Django's own test client does), so that every request sees the test's data."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(district, wsgi_app):
    reader = make_token(district.bureau)
    return schemathesis.openapi.from_wsgi(
        "/api/v1/schema/", wsgi_app, headers={"Authorization": f"Bearer {reader}"}
    )


def real_ids(district) -> dict[str, dict[str, int]]:
    """Path parameters naming S1's own records, so that the examples also reach real data and writes."""
    report = AnalysisReport.objects.get(project=district.project_s1, cycle=district.cycle)
    package = Submission.objects.get(organisation=district.s1, cycle=district.cycle)
    nested = {"cycle_pk": district.cycle.pk, "project_pk": district.project_s1.pk, "unit_pk": district.s1.pk}
    return {
        "/api/v1/organisations/{id}/": {"id": district.s1.pk},
        "/api/v1/projects/{id}/": {"id": district.project_s1.pk},
        "/api/v1/target-versions/{id}/": {"id": district.project_s1.current_target_id},
        "/api/v1/cycles/{id}/": {"id": district.cycle.pk},
        "/api/v1/reports/{id}/": {"id": report.pk},
        "/api/v1/packages/{id}/": {"id": package.pk},
        "/api/v1/cycles/{cycle_pk}/projects/{project_pk}/report/": nested,
        "/api/v1/cycles/{cycle_pk}/units/{unit_pk}/package/{action}/": nested,
    }


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_answer_matches_the_schema(api_schema, district, session_cookies, mode):
    """Each operation in turn, with any ids and with S1's own: valid data, then invalid data (which must be
    refused, never crash)."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 20
    known = real_ids(district)
    for operation in operations:
        strategy = operation.as_strategy(generation_mode=mode)
        if operation.path in known:
            strategy |= operation.as_strategy(generation_mode=mode, path_parameters=known[operation.path])

        @given(case=strategy)
        @settings(
            max_examples=8,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def answers_as_declared(case):
            case.call_and_validate(cookies=session_cookies, headers={"X-CSRFToken": CSRF}, checks=CHECKS)

        answers_as_declared()
