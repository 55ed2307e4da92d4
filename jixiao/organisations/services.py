from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from jixiao.audit.services import audit_record
from jixiao.organisations.models import Membership, Organisation, User


@transaction.atomic
def organisation_save(*, organisation: Organisation, acting_user: User | None) -> Organisation:
    """Create or change an organisation, keeping the materialised paths of its subtree right.

    `full_clean` refuses a parent that would make a cycle before anything is written.
    """
    is_new = organisation.pk is None
    # Paths are read from the database, never from instances that may be stale (a second tab).
    old_path = "" if is_new else Organisation.objects.select_for_update().get(pk=organisation.pk).path
    if organisation.parent_id:
        organisation.parent = Organisation.objects.select_for_update().get(pk=organisation.parent_id)
    organisation.path = old_path
    organisation.full_clean()
    organisation.save()
    parent_path = organisation.parent.path if organisation.parent_id else "/"
    new_path = f"{parent_path}{organisation.pk}/"
    Organisation.objects.filter(pk=organisation.pk).update(path=new_path)
    if old_path and new_path != old_path:
        Organisation.objects.filter(path__startswith=old_path).exclude(pk=organisation.pk).update(
            path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1))
        )
    organisation.path = new_path
    audit_record(
        actor=acting_user,
        action="organisation.create" if is_new else "organisation.change",
        target=organisation,
        changes={"parent": organisation.parent_id, "path": new_path, "kind": organisation.kind},
    )
    return organisation


@transaction.atomic
def membership_grant(
    *, user: User, organisation: Organisation, role: str, acting_user: User | None
) -> Membership:
    membership = Membership(user=user, organisation=organisation, role=role)
    membership.full_clean()
    membership.save()
    audit_record(actor=acting_user, action="membership.grant", target=membership, organisation=organisation)
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, acting_user: User | None) -> None:
    audit_record(
        actor=acting_user, action="membership.revoke", target=membership, organisation=membership.organisation
    )
    membership.delete()
