"""The signed-in person, read once per request with what every page needs about them."""

from functools import cache

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from jixiao.core.statements import column, columns, instance_from_row, rows_of, table
from jixiao.notifications.models import Notification
from jixiao.organisations.models import User
from jixiao.organisations.selectors import memberships_from_rows, memberships_joined


@cache
def _person_sql() -> str:
    unread = (
        f"SELECT COUNT(*) FROM {table(Notification)} n WHERE {column(Notification, 'recipient', 'n')} = "
        f"{column(User, 'id', 'u')} AND {column(Notification, 'read_at', 'n')} IS NULL"
    )
    memberships, joins = memberships_joined("u")
    return (
        f"SELECT {columns(User, 'u')}, ({unread}) AS unread_notification_count, {memberships} "
        f"FROM {table(User)} u {joins} WHERE {column(User, 'id', 'u')} = %s"
    )


class SignedInBackend(ModelBackend):
    """Django's password backend, whose `get_user` (run on every request of a session) reads in one
    statement, written out (`jixiao.core.statements`), the person, their unread notifications (the bell
    on every page) and their memberships with their organisations (every page's menu and scope)."""

    def get_user(self, user_id):
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:  # a session no longer matching the table
            return None
        rows = rows_of(_person_sql(), [user_id])
        if not rows:
            return None
        user = instance_from_row(User, rows[0])
        if not self.user_can_authenticate(user):
            return None
        count_at = len(User._meta.concrete_fields)
        user.unread_notification_count = rows[0][count_at]
        memberships_from_rows(user, rows, count_at + 1)
        return user
