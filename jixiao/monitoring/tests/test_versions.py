"""Data versions: numbers that only go up, a unit's with the change in its own transaction, a cycle's once
the change is committed."""

import pytest
from django.db import transaction

from jixiao.monitoring.versions import cycle_version, cycle_version_bump, unit_versions, unit_versions_bump
from jixiao.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_a_units_number_starts_on_its_first_change_and_goes_up_with_each(district):
    d = district
    assert unit_versions([d.s1.pk, d.s2.pk]) == []
    unit_versions_bump([d.s1.pk])
    unit_versions_bump([d.s1.pk, d.s2.pk, d.s1.pk])
    assert unit_versions([d.s2.pk, d.s1.pk]) == sorted([(d.s1.pk, 2), (d.s2.pk, 1)])


def test_a_units_number_is_undone_with_the_change(district):
    d = district
    unit_versions_bump([d.s1.pk])
    with pytest.raises(RuntimeError), transaction.atomic():
        unit_versions_bump([d.s1.pk])
        raise RuntimeError
    assert unit_versions([d.s1.pk]) == [(d.s1.pk, 1)]


def test_every_unit_is_bumped_when_none_is_named(district):
    d = district
    unit_versions_bump([d.s1.pk])
    unit_versions_bump(None)
    everyone = list(Organisation.objects.values_list("pk", flat=True))
    numbers = dict(unit_versions(everyone))
    assert numbers.pop(d.s1.pk) == 2
    assert set(numbers) == set(everyone) - {d.s1.pk} and set(numbers.values()) == {1}


def test_no_units_named_bumps_nothing(district):
    unit_versions_bump([])
    assert unit_versions(Organisation.objects.values_list("pk", flat=True)) == []


def test_a_cycles_number_goes_up_by_one_per_bump(district):
    before = cycle_version(district.cycle.pk)
    cycle_version_bump(cycle_ids=[district.cycle.pk, district.cycle.pk])
    assert cycle_version(district.cycle.pk) == before + 1
