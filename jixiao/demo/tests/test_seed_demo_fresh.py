"""The demo seed on an empty database (`test_seed_demo.py` shares one seeded district among its tests)."""

from django.db import transaction

from jixiao.demo.tests.test_seed_demo import seed
from jixiao.organisations.models import Organisation, OrganisationKind
from jixiao.projects.models import Project


def seeded_projects(*args: str) -> list[tuple]:
    """Seed inside a savepoint that is rolled back, and return what was generated."""
    with transaction.atomic():
        seed(*args)
        projects = list(
            Project.objects.order_by("code").values_list(
                "code", "name", "initial_fiscal", "initial_other", "adjusted_fiscal", "is_key_project"
            )
        )
        transaction.set_rollback(True)
    return projects


def test_names_carry_the_configured_district(db, settings):
    settings.DISTRICT_NAME = "青川县"
    seed()
    assert Organisation.objects.get(code="000").name == "青川县财政局"
    assert Organisation.objects.filter(name="青川县教育局", kind=OrganisationKind.PRIMARY_UNIT).exists()
    assert not Organisation.objects.filter(name__contains="雁江").exists()


def test_the_same_seed_gives_the_same_projects(db):
    first = seeded_projects("--seed", "7")
    assert seeded_projects("--seed", "7") == first
    assert seeded_projects("--seed", "8") != first
