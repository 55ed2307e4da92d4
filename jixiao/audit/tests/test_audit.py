"""Audit records are append-only (domain.md §4): never edited, never deleted."""

import pytest
from django.db import transaction

from jixiao.audit.models import AuditRecord
from jixiao.audit.services import audit_record
from jixiao.organisations.models import User


@pytest.fixture
def record(db):
    actor = User.objects.create_user(username="actor", password=None, full_name="王五")
    return audit_record(actor=actor, action="test.action", target=actor, to_state="done", comment="原始说明")


def unchanged(record: AuditRecord) -> bool:
    stored = AuditRecord.objects.get(pk=record.pk)
    return (stored.action, stored.comment, stored.to_state) == ("test.action", "原始说明", "done")


def test_record_is_written(record):
    stored = AuditRecord.objects.get(pk=record.pk)
    assert stored.actor.username == "actor"
    assert stored.actor_name == "王五"
    assert stored.object_type == "organisations.user"
    assert stored.object_id == str(stored.actor.pk)
    assert stored.occurred_at is not None


def test_system_actor(db):
    user = User.objects.create_user(username="target", password=None)
    stored = audit_record(actor=None, action="system.job", target=user)
    assert stored.actor is None
    assert stored.actor_name == "系统"


def test_instance_save_after_creation_is_refused(record):
    record.comment = "篡改"
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.save(update_fields=["comment"])
    assert unchanged(record)


def test_fetched_instance_save_is_refused(record):
    stored = AuditRecord.objects.get(pk=record.pk)
    stored.action = "other.action"
    with pytest.raises(PermissionError):
        stored.save()
    assert unchanged(record)


def test_instance_delete_is_refused(record):
    with pytest.raises(PermissionError):
        record.delete()
    assert AuditRecord.objects.filter(pk=record.pk).exists()


def test_queryset_update_is_refused(record):
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(pk=record.pk).update(comment="篡改")
    with pytest.raises(PermissionError):
        AuditRecord.objects.all().update(action="x")
    assert unchanged(record)


def test_queryset_delete_is_refused(record):
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(pk=record.pk).delete()
    with pytest.raises(PermissionError):
        AuditRecord.objects.all().delete()
    assert AuditRecord.objects.filter(pk=record.pk).exists()


def test_bulk_update_is_refused(record):
    record.comment = "篡改"
    # bulk_update runs in an atomic block without a savepoint; give it one so the test can look afterwards.
    with pytest.raises(PermissionError), transaction.atomic():
        AuditRecord.objects.bulk_update([record], ["comment"])
    assert unchanged(record)


def test_update_or_create_cannot_rewrite(record):
    with pytest.raises(PermissionError):
        AuditRecord.objects.update_or_create(pk=record.pk, defaults={"comment": "篡改"})
    assert unchanged(record)


def test_overwriting_by_primary_key_is_refused(record):
    forged = AuditRecord(pk=record.pk, action="forged", object_type="x", object_id="1", object_repr="x")
    with pytest.raises(PermissionError):
        forged.save()
    assert unchanged(record)


def test_actor_with_audit_records_cannot_be_deleted(record):
    """Deleting the actor would null or cascade the trail; the foreign key protects it."""
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        record.actor.delete()
    assert AuditRecord.objects.filter(pk=record.pk).exists()


def test_base_manager_refuses_too(record):
    """Django's own machinery (deletion collector, related managers, refresh_from_db) goes through
    `_base_manager`; left a plain Manager, it is an unguarded way round the append-only queryset."""
    with pytest.raises(PermissionError):
        AuditRecord._base_manager.filter(pk=record.pk).update(comment="篡改")
    with pytest.raises(PermissionError):
        AuditRecord._base_manager.filter(pk=record.pk).delete()
    assert unchanged(record)
    assert AuditRecord.objects.filter(pk=record.pk).exists()
