"""A search finds the same rows whatever the case; a short term with no case is compared as it is."""

import pytest

from jixiao.core.search import contains_q
from jixiao.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(district, make_project):
    for code, name in [
        ("ED-01", "城区教育设施"),
        ("ED-02", "乡村教育补助"),
        ("rd-01", "道路维护 Road"),
        ("X-9", "其他"),
    ]:
        make_project(district.s1, code=code, name=name)
    return Project.objects.filter(owner=district.s1)


@pytest.mark.parametrize(
    ("text", "codes", "ignoring_case"),
    [
        ("教育", {"ED-01", "ED-02"}, False),
        ("教", {"ED-01", "ED-02"}, False),
        ("城区教育", {"ED-01"}, True),
        ("road", {"rd-01"}, True),
        ("RD", {"rd-01"}, True),
        ("ed-0", {"ED-01", "ED-02"}, True),
        ("-9", {"X-9"}, False),
    ],
)
def test_a_term_finds_its_rows_whatever_the_case(named, text, codes, ignoring_case):
    condition = contains_q(text, ["name", "code"])
    assert set(named.filter(condition).values_list("code", flat=True)) == codes
    lookups = {lookup.rsplit("__", 1)[1] for lookup, _value in condition.children}
    assert lookups == ({"icontains"} if ignoring_case else {"contains"})
