"""Telling people about a change, and the one recipe every state transition follows."""

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from jixiao.audit.services import audit_record
from jixiao.notifications.models import Notification, Transition
from jixiao.organisations.models import User


def notify(users, message: str, url: str) -> None:
    """In-app notifications, written only once the change that caused them has committed."""
    recipients = list(users)
    transaction.on_commit(
        lambda: Notification.objects.bulk_create(
            Notification(recipient=u, message=message, url=url) for u in recipients
        )
    )


def people_of(organisation_id: int, roles) -> list[User]:
    """Active people holding one of `roles` in the organisation."""
    return list(
        User.objects.filter(
            is_active=True, memberships__organisation_id=organisation_id, memberships__role__in=roles
        ).distinct()
    )


def transition_record(
    *,
    history: type[Transition],
    subject: Model,
    action: str,
    acting_user,
    organisation=None,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    changes: dict | None = None,
    notice: tuple | None = None,
) -> Transition:
    """Write the step into the subject's own history and the audit log, in the caller's transaction, and
    queue `notice` (recipients, message, url) for after commit.

    The caller has locked the subject, checked the actor through its policy and written the change.
    """
    row = history.objects.create(
        subject=subject,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=acting_user if acting_user is not None and acting_user.is_authenticated else None,
        actor_name=str(acting_user) if acting_user is not None else "系统",
        organisation=organisation,
        comment=comment,
    )
    audit_record(
        actor=acting_user,
        action=action,
        target=subject,
        organisation=organisation,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        changes=changes,
    )
    if notice is not None:
        notify(*notice)
    return row


def notifications_mark_read(*, user) -> int:
    """Mark everything in the person's notification centre read (asked for by a POST)."""
    return user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
