"""Shared fixtures: a small district built through the real service functions.

The `district` fixture gives one object with every organisation, project and user the tests need:

    区财政局 bureau
    ├── 对口服务股室 section_a   (counterpart of town, p1)
    ├── 对口服务股室 section_b   (counterpart of p2)
    └── 监督与绩效管理股 supervision
    town        镇 T                    (section_a)
    p1          一级预算单位 P1          (section_a)
    ├── s1      二级预算单位 S1
    ├── s2      二级预算单位 S2          (sibling of S1)
    └── sc      二级预算单位 SC          (涉密 / classified)
    p2          一级预算单位 P2          (section_b)
    └── s3      二级预算单位 S3
    agency      第三方机构 G             (tracks project_s3)

Projects: `project_town`, `project_p1`, `project_p2`, `project_s1`, `project_s2`, `project_s3`, `project_sc`
(each with target version 1); `district.projects` maps unit attribute name -> project.

Users: `s1_filler`, `s1_leader`, `p1_leader`, `town_filler`, `sc_filler`, `counterpart_a`, `counterpart_b`,
`supervision_staff`, `bureau_leader`, `agency_staff`, `sysadmin`, `auditor`, `nobody` (no membership).
`district.cycle` is the open 2026 annual cycle (1—8月).
"""

import os
import sys
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from jixiao.monitoring.models import MonitoringCycle
from jixiao.monitoring.services import cycle_open
from jixiao.organisations.models import Organisation, OrganisationKind, Role, User
from jixiao.organisations.services import organisation_save
from jixiao.projects.models import (
    Comparator,
    IndicatorCategory,
    ProgressType,
    Project,
    ProjectType,
    ValueType,
)
from jixiao.projects.services import IndicatorSpec, target_version_create
from jixiao.testing import caches_emptied, create_user, unique

YEAR = 2026


def sample_indicators() -> list[IndicatorSpec]:
    """Three valid indicators: a count, a percentage level and a date."""
    return [
        IndicatorSpec(
            category=IndicatorCategory.QUANTITY,
            name="培训人数",
            unit="人",
            comparator=Comparator.AT_LEAST,
            value_type=ValueType.NUMBER,
            target_number=Decimal("500"),
        ),
        IndicatorSpec(
            category=IndicatorCategory.QUALITY,
            name="验收合格率",
            unit="%",
            comparator=Comparator.EQUAL,
            value_type=ValueType.PERCENT,
            target_number=Decimal("100"),
            progress_type=ProgressType.LEVEL,
        ),
        IndicatorSpec(
            category=IndicatorCategory.TIMELINESS,
            name="完工时间",
            comparator=Comparator.AT_MOST,
            value_type=ValueType.DATE,
            target_date=date(YEAR, 11, 30),
        ),
    ]


def create_organisation(kind: str, name: str, *, parent=None, code: str = "", **fields) -> Organisation:
    organisation = Organisation(kind=kind, name=name, code=code or unique("ORG"), parent=parent, **fields)
    return organisation_save(organisation=organisation, acting_user=None)


def create_project(
    owner: Organisation, *, code: str = "", name: str = "", year: int = YEAR, **fields
) -> Project:
    fields.setdefault("project_type", ProjectType.DEPARTMENT_SPECIAL)
    fields.setdefault("initial_fiscal", Decimal("1000000.00"))
    project = Project.objects.create(
        code=code or unique("P"), name=name or f"{owner.name}项目", year=year, owner=owner, **fields
    )
    target_version_create(project=project, annual_goal="完成年度任务。", indicators=sample_indicators())
    project.refresh_from_db()
    return project


@dataclass(repr=False)
class District:
    bureau: Organisation
    section_a: Organisation
    section_b: Organisation
    supervision: Organisation
    town: Organisation
    p1: Organisation
    p2: Organisation
    s1: Organisation
    s2: Organisation
    s3: Organisation
    sc: Organisation
    agency: Organisation
    cycle: MonitoringCycle
    projects: dict[str, Project] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name):
        # `district.project_s1`, `district.s1_filler` ... (only called for names not found normally).
        projects = self.__dict__.get("projects", {})
        users = self.__dict__.get("users", {})
        if name.startswith("project_") and name[len("project_") :] in projects:
            return projects[name[len("project_") :]]
        if name in users:
            return users[name]
        raise AttributeError(name)

    def __repr__(self):
        return "<District>"

    @property
    def budget_units(self) -> list[Organisation]:
        return [self.town, self.p1, self.p2, self.s1, self.s2, self.s3, self.sc]


# (user attribute, organisation attribute or None, role or None)
DISTRICT_USERS = [
    ("s1_filler", "s1", Role.FILLER),
    ("s1_leader", "s1", Role.UNIT_LEADER),
    ("p1_leader", "p1", Role.UNIT_LEADER),
    ("town_filler", "town", Role.FILLER),
    ("sc_filler", "sc", Role.FILLER),
    ("counterpart_a", "section_a", Role.COUNTERPART_STAFF),
    ("counterpart_b", "section_b", Role.COUNTERPART_STAFF),
    ("supervision_staff", "supervision", Role.SUPERVISION_STAFF),
    ("bureau_leader", "bureau", Role.BUREAU_LEADER),
    ("agency_staff", "agency", Role.AGENCY_STAFF),
    ("sysadmin", "bureau", Role.SYSADMIN),
    ("auditor", "bureau", Role.AUDITOR),
    ("nobody", None, None),
]
# Everyone of the district, for tables of cases that cover every person.
PEOPLE = [user for user, _organisation, _role in DISTRICT_USERS]


def build_district() -> District:
    K = OrganisationKind
    bureau = create_organisation(K.FINANCE_BUREAU, "区财政局", code="BUREAU")
    section_a = create_organisation(K.COUNTERPART_SECTION, "预算股A", parent=bureau, code="SEC-A")
    section_b = create_organisation(K.COUNTERPART_SECTION, "经建股B", parent=bureau, code="SEC-B")
    supervision = create_organisation(K.SUPERVISION_SECTION, "监督与绩效管理股", parent=bureau, code="SUP")
    town = create_organisation(K.TOWN, "东镇", code="T", counterpart_section=section_a)
    p1 = create_organisation(K.PRIMARY_UNIT, "区教育局", code="P1", counterpart_section=section_a)
    p2 = create_organisation(K.PRIMARY_UNIT, "区农业农村局", code="P2", counterpart_section=section_b)
    s1 = create_organisation(K.SECONDARY_UNIT, "第一中学", parent=p1, code="S1")
    s2 = create_organisation(K.SECONDARY_UNIT, "第二中学", parent=p1, code="S2")
    sc = create_organisation(K.SECONDARY_UNIT, "保密中心", parent=p1, code="SC", is_classified=True)
    s3 = create_organisation(K.SECONDARY_UNIT, "农技站", parent=p2, code="S3")
    agency = create_organisation(K.AGENCY, "某会计师事务所", code="G")
    cycle = cycle_open(year=YEAR, acting_user=None)
    district = District(
        bureau=bureau,
        section_a=section_a,
        section_b=section_b,
        supervision=supervision,
        town=town,
        p1=p1,
        p2=p2,
        s1=s1,
        s2=s2,
        s3=s3,
        sc=sc,
        agency=agency,
        cycle=cycle,
    )
    for attr in ("town", "p1", "p2", "s1", "s2", "s3", "sc"):
        unit = getattr(district, attr)
        district.projects[attr] = create_project(unit, code=f"{YEAR}-{unit.code}-01")
    district.projects["s3"].agencies.add(agency)
    for user_attr, org_attr, role in DISTRICT_USERS:
        org = getattr(district, org_attr) if org_attr else None
        district.users[user_attr] = create_user(org, role, username=user_attr)
    return district


@pytest.fixture(autouse=True)
def _jobs_in_the_test(settings, tmp_path):
    """Background jobs run in the test itself once its transaction commits, and write under tmp_path."""
    settings.JOBS_RUNNER = "immediate"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with empty caches."""
    caches_emptied()


@pytest.fixture
def district(db) -> District:
    return build_district()


@pytest.fixture(scope="module")
def shared_district(django_db_setup, django_db_blocker) -> District:
    """The same district, built once per test module for tables of read-mostly cases.

    Use together with `db`: each test's database changes are still rolled back at its end, and the whole
    district when the module is done. The Python objects are shared between the module's tests, so do
    not change them in place (reload what you change) — use `district` for tests that edit the tree.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            district = build_district()
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    yield district
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def make_user(db):
    """`make_user(org, role)` -> a new user holding that role; `make_user()` -> a user with no membership."""

    def factory(org: Organisation | None = None, role: str | None = None, *, username: str = "") -> User:
        return create_user(org, role, username=username)

    return factory


@pytest.fixture
def make_organisation(db):
    """`make_organisation(kind, name, parent=..., **fields)` saved through `organisation_save`."""
    return create_organisation


@pytest.fixture
def make_project(db):
    """`make_project(owner, **fields)` -> a project with target version 1 (three sample indicators)."""
    return create_project


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def admin_client(client, district):
    """The client signed in as the district's 系统管理员, who may use the admin screens."""
    district.sysadmin.is_staff = district.sysadmin.is_superuser = True
    district.sysadmin.save()
    client.force_login(district.sysadmin)
    return client


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the test thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server, tmp_path):
    """A fresh page whose downloads land in tmp_path; `login(username)` signs in through the real form."""
    context = chromium.new_context(
        viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(15000)

    def login(user: User, password: str = "Test#password2026") -> None:
        user.set_password(password)
        user.save(update_fields=["password"])
        context.clear_cookies()  # whoever was signed in before is signed out
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")

    page.login = login
    page.base_url = live_server.url
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    """Keep a picture of a step under var/screenshots/ for people to look at."""
    folder = Path(settings.VAR_DIR) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
