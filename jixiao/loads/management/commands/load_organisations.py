"""`manage.py load_organisations FILE [--dry-run] [--json]`."""

from jixiao.loads.management.base import LoadCommand
from jixiao.loads.models import LoadKind


class Command(LoadCommand):
    kind = LoadKind.ORGANISATIONS
