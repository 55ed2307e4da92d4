"""`manage.py load_payments FILE [--dry-run] [--json]`."""

from jixiao.loads.management.base import LoadCommand
from jixiao.loads.models import LoadKind


class Command(LoadCommand):
    kind = LoadKind.PAYMENTS
