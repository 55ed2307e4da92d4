"""The province the load bench generates: its files load without a problem, reload unchanged, and the
rows its COPY floor writes are exactly the rows the loads store."""

from decimal import Decimal, InvalidOperation

import pytest

from jixiao.loads.bench import Scale
from jixiao.loads.models import LoadKind
from jixiao.loads.services import load_file
from jixiao.projects.models import Indicator, Project, ProjectMonth

pytestmark = pytest.mark.django_db

KINDS = [LoadKind.ORGANISATIONS, LoadKind.PROJECTS, LoadKind.TARGETS, LoadKind.PAYMENTS]


def same(value: str) -> str:
    """A cell as text, numbers compared by value (COPY writes 500, the table stores 500.0000)."""
    try:
        return str(Decimal(value).normalize())
    except InvalidOperation:
        return value


def copied(text: str) -> set[tuple]:
    return {tuple(same(cell) for cell in line.split("\t")) for line in text.splitlines()}


def stored(values) -> set[tuple]:
    shown = {None: r"\N", True: "t", False: "f"}
    return {
        tuple(shown[v] if v is None or isinstance(v, bool) else same(str(v)) for v in row) for row in values
    }


def test_the_generated_province_loads_and_its_floor_copies_the_same_rows(tmp_path):
    scale = Scale(projects=30, year=2031)
    paths = scale.write_files(tmp_path)
    runs = {}

    def load(kind):
        runs[kind] = load_file(kind=kind, filename=paths[kind].name, data=paths[kind].read_bytes())

    load(LoadKind.ORGANISATIONS)
    scale_copy = scale.project_copy()  # before the projects are loaded: its ids follow the stored ones
    for kind in KINDS[1:]:
        load(kind)
    assert runs[LoadKind.PROJECTS].counts["created"] == runs[LoadKind.TARGETS].counts["created"] == 30
    assert runs[LoadKind.PAYMENTS].counts["created"] == 30 * 12
    again = load_file(
        kind=LoadKind.PAYMENTS, filename="again.csv", data=paths[LoadKind.PAYMENTS].read_bytes()
    )
    assert again.counts["unchanged"] == 30 * 12

    project_columns, projects, _version_columns, _versions, indicator_columns, indicators = scale_copy
    kept = project_columns[1:-1]
    assert {row[1:-1] for row in copied(projects)} == stored(
        Project.objects.filter(year=2031).values_list(*kept)
    )
    assert {row[1:] for row in copied(indicators)} == stored(
        Indicator.objects.filter(version__project__year=2031).values_list(*indicator_columns[1:])
    )
    columns, months = scale.payment_copy()
    assert copied(months) == stored(ProjectMonth.objects.filter(project__year=2031).values_list(*columns))
    assert Indicator.objects.filter(version__project__year=2031).count() == 15 * 8 + 15 * 7
