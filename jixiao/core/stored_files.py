"""Files the system keeps under MEDIA_ROOT for a record: stored under a random name, audited by their
size and hash, removed from storage only once the removal has committed."""

import hashlib
from collections.abc import Callable
from uuid import uuid4

from django.core.files.base import ContentFile
from django.db import transaction


def save_with_file(record, *, data: bytes, extension: str, then: Callable[[], None]) -> None:
    """Store `data` as the record's `file` (never under the client's name), save the record and run
    `then` (its audit); a failure on the way leaves no orphan file behind."""
    record.file.save(f"{uuid4().hex}.{extension}", ContentFile(data), save=False)
    try:
        record.save()
        then()
    except BaseException:
        record.file.delete(save=False)
        raise


def file_facts(data: bytes) -> dict:
    """What the audit keeps of a stored file: its size and SHA-256."""
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def delete_with_file(record) -> None:
    """Delete the record now and its stored file after the transaction commits."""
    stored = record.file
    record.delete()
    transaction.on_commit(lambda: stored.storage.delete(stored.name))
