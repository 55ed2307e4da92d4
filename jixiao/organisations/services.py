import secrets

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from jixiao.audit.services import audit_record
from jixiao.core.errors import ServiceError
from jixiao.organisations.hashers import OneTimePasswordHasher
from jixiao.organisations.models import Membership, Organisation, User
from jixiao.organisations.policy import can_manage_accounts


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


# ----- accounts -------------------------------------------------------------------------------------------

# What an account's own record holds besides its posts; `user_update` changes only these.
ACCOUNT_FIELDS = ("username", "full_name", "phone", "email", "is_staff")
# Letters and digits that cannot be mistaken for one another when read off a sheet (no 0/O, 1/l/I).
PASSWORD_LETTERS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
PASSWORD_DIGITS = "23456789"
ONE_TIME_PASSWORD_LENGTH = 12


def one_time_password() -> str:
    """A random password handed to a person once, with letters and digits both present."""
    alphabet = PASSWORD_LETTERS + PASSWORD_DIGITS
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(ONE_TIME_PASSWORD_LENGTH))
        if set(password) & set(PASSWORD_DIGITS) and set(password) & set(PASSWORD_LETTERS):
            return password


def _set_one_time_password(user: User) -> str:
    password = one_time_password()
    user.password = make_password(password, hasher=OneTimePasswordHasher.algorithm)
    user.must_change_password = True
    return password


def _require_account_manager(acting_user) -> None:
    if not can_manage_accounts(acting_user):
        raise PermissionDenied("只有系统管理员可以管理用户账号。")


def _locked(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def _set_posts(user: User, posts, acting_user) -> None:
    """Make the person's posts exactly `posts` ((organisation, role) pairs): posts no longer held are
    revoked first, so that a change of role never trips the rule that the administrator holds no other."""
    wanted = {(organisation.pk, role): organisation for organisation, role in posts}
    held = list(Membership.objects.filter(user=user).select_related("organisation"))
    for membership in held:
        if (membership.organisation_id, membership.role) not in wanted:
            membership_revoke(membership=membership, acting_user=acting_user)
    kept = {(m.organisation_id, m.role) for m in held}
    for (_pk, role), organisation in wanted.items():
        if (organisation.pk, role) not in kept:
            membership_grant(user=user, organisation=organisation, role=role, acting_user=acting_user)


@transaction.atomic
def user_create(
    *, username: str, full_name: str = "", phone: str = "", email: str = "", posts=(), acting_user
) -> tuple[User, str]:
    """Create an account with a one-time password, which is returned here and never stored in clear; the
    person must change it at first sign-in."""
    _require_account_manager(acting_user)
    user = User(username=username, full_name=full_name, phone=phone, email=email)
    password = _set_one_time_password(user)
    user.full_clean()
    user.save()
    audit_record(
        actor=acting_user,
        action="user.create",
        target=user,
        changes={"full_name": full_name, "phone": phone, "email": email},
    )
    _set_posts(user, posts, acting_user)
    return user, password


@transaction.atomic
def user_update(*, user: User, values: dict, posts=None, acting_user) -> User:
    """Change an account's details (`ACCOUNT_FIELDS`) and, when `posts` is given, make its posts exactly
    those; the audit record lists each change old → new. Passwords are changed only by reset."""
    _require_account_manager(acting_user)
    unknown = set(values) - set(ACCOUNT_FIELDS)
    if unknown:
        raise ValueError(f"not account fields: {sorted(unknown)}")
    user = _locked(user)
    changes = {
        name: [getattr(user, name), value] for name, value in values.items() if getattr(user, name) != value
    }
    for name, (_old, new) in changes.items():
        setattr(user, name, new)
    if changes:
        user.full_clean()
        user.save(update_fields=list(changes))
        audit_record(actor=acting_user, action="user.change", target=user, changes=changes)
    if posts is not None:
        _set_posts(user, posts, acting_user)
    return user


@transaction.atomic
def user_password_reset(*, user: User, acting_user) -> tuple[User, str]:
    """Give the person a new one-time password (returned, never stored in clear) and make them change it.

    The person's open sessions end: Django ties a session to the password it was opened with.
    """
    _require_account_manager(acting_user)
    user = _locked(user)
    password = _set_one_time_password(user)
    user.save(update_fields=["password", "must_change_password"])
    audit_record(actor=acting_user, action="user.password_reset", target=user)
    return user, password


@transaction.atomic
def user_deactivate(*, user: User, acting_user, reason: str = "") -> User:
    """Stop a person who left from signing in; their posts stay, for the history of what they did.

    An inactive person's open sessions no longer authenticate, so they are signed out at once.
    """
    _require_account_manager(acting_user)
    user = _locked(user)
    if acting_user is not None and user.pk == acting_user.pk:
        raise ServiceError("不能停用自己的账号。")
    if not user.is_active:
        raise ServiceError(f"账号“{user.username}”已经停用。")
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(actor=acting_user, action="user.deactivate", target=user, comment=reason)
    return user


@transaction.atomic
def user_reactivate(*, user: User, acting_user) -> User:
    _require_account_manager(acting_user)
    user = _locked(user)
    if user.is_active:
        raise ServiceError(f"账号“{user.username}”没有停用。")
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(actor=acting_user, action="user.reactivate", target=user)
    return user


@transaction.atomic
def user_password_change(*, user: User, new_password: str) -> User:
    """The person sets their own password (the page has checked the old one); this ends the obligation
    to change a one-time password."""
    user = _locked(user)
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ServiceError(exc.messages[0], {"new_password1": exc.messages}) from exc
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit_record(actor=user, action="user.password_change", target=user)
    return user
