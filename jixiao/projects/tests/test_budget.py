"""B of warnings.md: the model property and the SQL expression used by list pages agree."""

from decimal import Decimal

import pytest

from jixiao.projects.models import Project
from jixiao.projects.selectors import budget_expression

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("adjusted_fiscal", "adjusted_other", "expected"),
    [
        (None, None, Decimal("1200000.00")),  # not adjusted: initial 1,000,000 + 200,000
        (Decimal("800000.00"), None, Decimal("1000000.00")),  # other funds keep their initial amount
        (None, Decimal("0.00"), Decimal("1000000.00")),
        (Decimal("1500000.00"), Decimal("300000.00"), Decimal("1800000.00")),
        (Decimal("0.00"), Decimal("0.00"), Decimal("0.00")),  # adjusted down to nothing
    ],
)
def test_budget_uses_adjusted_parts_when_set(
    district, make_project, adjusted_fiscal, adjusted_other, expected
):
    project = make_project(
        district.s1,
        initial_fiscal=Decimal("1000000.00"),
        initial_other=Decimal("200000.00"),
        adjusted_fiscal=adjusted_fiscal,
        adjusted_other=adjusted_other,
    )
    assert project.budget == expected
    assert Project.objects.annotate(b=budget_expression()).get(pk=project.pk).b == expected
