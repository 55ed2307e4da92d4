"""The signed-in person, read once per request with what every page shows about them."""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from jixiao.core.statements import column, columns, table
from jixiao.notifications.models import Notification


@cache
def _person_sql() -> str:
    user = get_user_model()
    unread = (
        f"SELECT COUNT(*) FROM {table(Notification)} n WHERE {column(Notification, 'recipient', 'n')} = "
        f"{column(user, 'id', 'u')} AND {column(Notification, 'read_at', 'n')} IS NULL"
    )
    return (
        f"SELECT {columns(user, 'u')}, ({unread}) AS unread_notification_count "
        f"FROM {table(user)} u WHERE {column(user, 'id', 'u')} = %s"
    )


class SignedInBackend(ModelBackend):
    """Django's password backend, whose `get_user` (run on every request of a session) also counts the
    person's unread notifications in the same statement, written out (`jixiao.core.statements`): the bell
    on every page costs no query of its own."""

    def get_user(self, user_id):
        user = next(iter(get_user_model().objects.raw(_person_sql(), [user_id])), None)
        return user if user is not None and self.user_can_authenticate(user) else None
