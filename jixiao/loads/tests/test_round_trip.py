"""The fixtures' district written out through the templates' column sets and loaded into an empty
database gives the same organisations, projects, funding, targets and payments."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import F

from jixiao.conftest import build_district
from jixiao.loads.exports import data_rows, template_csv, template_xlsx
from jixiao.loads.services import load_file
from jixiao.organisations.models import Organisation
from jixiao.projects.models import Indicator, Project, ProjectMonth
from jixiao.projects.services import IndicatorSpec

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    organisations = {
        o.code: (o.name, o.kind, o.parent.code if o.parent_id else None,
                 o.counterpart_section.code if o.counterpart_section_id else None, o.is_classified)
        for o in Organisation.objects.select_related("parent", "counterpart_section")
    }  # fmt: skip
    fields = ["name", "project_type", "responsible_person", "responsible_phone", "start_date", "end_date",
              "is_key_project", "initial_fiscal", "initial_other", "adjusted_fiscal", "adjusted_other"]  # fmt: skip
    projects = {
        (p.year, p.code): (p.owner.code, *(getattr(p, f) for f in fields))
        for p in Project.objects.select_related("owner")
    }
    targets = {}
    current = Indicator.objects.filter(version__project__current_target=F("version"))
    for indicator in current.select_related("version__project"):
        project = indicator.version.project
        _goal, specs = targets.setdefault((project.year, project.code), (indicator.version.annual_goal, {}))
        specs[indicator.position] = IndicatorSpec.of(indicator)
    payments = {
        (m.project.year, m.project.code, m.month): (m.paid_fiscal, m.paid_other, m.planned)
        for m in ProjectMonth.objects.select_related("project")
    }
    return {"organisations": organisations, "projects": projects, "targets": targets, "payments": payments}


def enrich(district) -> None:
    """Figures the fixtures leave at their defaults: other funding, adjustments, details and payments."""
    Project.objects.filter(pk=district.project_s1.pk).update(
        initial_other=Decimal("250000.50"), adjusted_fiscal=Decimal("1200000"), is_key_project=True,
        responsible_person="王强", responsible_phone="0571-88888888", start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )  # fmt: skip
    Project.objects.filter(pk=district.project_p2.pk).update(adjusted_other=Decimal("30000"))
    for month in range(1, 9):
        ProjectMonth.objects.create(
            project=district.project_s1, month=month, paid_fiscal=Decimal(month * 10000),
            paid_other=Decimal("123.45"), planned=Decimal(month * 12000),
        )  # fmt: skip
    ProjectMonth.objects.create(project=district.project_town, month=3, paid_fiscal=Decimal("99.99"))


def test_exported_district_loads_into_an_empty_database_unchanged():
    with transaction.atomic():
        enrich(build_district())
        expected = snapshot()
        files = {
            "organisations": template_csv("organisations", data_rows("organisations")),
            "projects": template_xlsx("projects", data_rows("projects")),
            "targets": template_csv("targets", data_rows("targets")),
            "payments": template_csv("payments", data_rows("payments")),
        }
        transaction.set_rollback(True)
    assert not Organisation.objects.exists() and not Project.objects.exists()

    for kind in ("organisations", "projects", "targets", "payments"):
        load_file(kind=kind, filename=f"{kind}.file", data=files[kind])
    assert snapshot() == expected
    assert len(expected["payments"]) == 9 and len(expected["targets"]) == 7
