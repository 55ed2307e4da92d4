"""Data versions: numbers that only go up, once the change is committed."""

import pytest

from jixiao.monitoring.versions import (
    cycle_version,
    cycle_version_bump,
    unit_versions,
    unit_versions_bump_after_commit,
)
from jixiao.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_a_units_number_starts_on_its_first_change_and_goes_up_with_each(
    district, django_capture_on_commit_callbacks
):
    d = district
    assert unit_versions([d.s1.pk, d.s2.pk]) == []
    with django_capture_on_commit_callbacks(execute=True):
        unit_versions_bump_after_commit([d.s1.pk])
        assert unit_versions([d.s1.pk]) == []  # not before the commit
    with django_capture_on_commit_callbacks(execute=True):
        unit_versions_bump_after_commit([d.s1.pk, d.s2.pk, d.s1.pk])
    assert unit_versions([d.s2.pk, d.s1.pk]) == sorted([(d.s1.pk, 2), (d.s2.pk, 1)])


def test_every_unit_is_bumped_when_none_is_named(district, django_capture_on_commit_callbacks):
    d = district
    with django_capture_on_commit_callbacks(execute=True):
        unit_versions_bump_after_commit([d.s1.pk])
    with django_capture_on_commit_callbacks(execute=True):
        unit_versions_bump_after_commit(None)
    everyone = list(Organisation.objects.values_list("pk", flat=True))
    numbers = dict(unit_versions(everyone))
    assert numbers.pop(d.s1.pk) == 2
    assert set(numbers) == set(everyone) - {d.s1.pk} and set(numbers.values()) == {1}


def test_no_units_named_bumps_nothing(district, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        unit_versions_bump_after_commit([])
    assert unit_versions(Organisation.objects.values_list("pk", flat=True)) == []


def test_a_cycles_number_goes_up_by_one_per_bump(district):
    before = cycle_version(district.cycle.pk)
    cycle_version_bump(cycle_ids=[district.cycle.pk, district.cycle.pk])
    assert cycle_version(district.cycle.pk) == before + 1
