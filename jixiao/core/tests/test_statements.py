"""A row of a hand-written statement becomes the same instance the ORM would have read."""

import datetime

import pytest
from django.utils import timezone

from jixiao.core.statements import column, columns, instance_from_row, rows_of, table
from jixiao.monitoring.models import MonitoringCycle
from jixiao.organisations.models import User

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


@pytest.mark.parametrize("model", [User, MonitoringCycle])
def test_a_row_reads_as_the_orm_reads_it(district, model):
    if model is User:  # a date and time, booleans and an empty value among the columns
        User.objects.filter(pk=district.s1_leader.pk).update(
            last_login=datetime.datetime(2026, 6, 30, 23, 59, 58, tzinfo=datetime.UTC)
        )
        pk = district.s1_leader.pk
    else:  # dates, choices and numbers
        pk = district.cycle.pk
    rows = rows_of(
        f"SELECT {columns(model, 't')} FROM {table(model)} t WHERE {column(model, 'id', 't')} = %s", [pk]
    )

    read = instance_from_row(model, rows[0])

    stored = model.objects.get(pk=pk)
    assert _fields(read) == _fields(stored)
    assert {name: type(value) for name, value in _fields(read).items()} == {
        name: type(value) for name, value in _fields(stored).items()
    }
    assert not read._state.adding and read._state.db == stored._state.db
    if model is User:
        assert timezone.is_aware(read.last_login)
