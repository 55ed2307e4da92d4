"""The schema and the browsable docs: served to signed-in people and tokens, from bundled files only."""

import pytest
from django.test import Client

from jixiao.api.tests.helpers import make_token, person_client, token_client

pytestmark = pytest.mark.django_db


def test_docs_page_uses_only_bundled_assets(district):
    client = Client()
    client.force_login(district.s1_filler)
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "https://" not in html.replace("https://swagger.io", "")
    assert Client().get("/api/v1/docs/").status_code == 401


def test_schema_for_people_and_tokens_not_for_anonymous(district):
    schema = token_client(make_token(district.s1)).get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/cycles/{cycle_pk}/projects/{project_pk}/report/" in paths
    assert "409" in paths["/api/v1/cycles/{cycle_pk}/projects/{project_pk}/report/"]["patch"]["responses"]
    assert person_client(district.s1_filler).get("/api/v1/schema/").status_code == 200
    assert Client().get("/api/v1/schema/").status_code == 401


def test_browsable_api_for_a_signed_in_person(district):
    client = Client()
    client.force_login(district.s1_filler)
    page = client.get("/api/v1/projects/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert district.project_s1.name in page.content.decode()
    assert client.get("/api/v1/no-such-thing/").json() == {"message": "未找到，或您无权查看。", "errors": {}}
