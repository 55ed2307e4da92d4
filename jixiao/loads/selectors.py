from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from jixiao.loads.models import LoadRun
from jixiao.loads.policy import can_load


def load_run_list(*, user) -> QuerySet[LoadRun]:
    """The bureau's load history; nobody else sees any of it."""
    if not can_load(user):
        return LoadRun.objects.none()
    return LoadRun.objects.select_related("created_by").defer("content")


def load_run_get(*, user, pk: int) -> LoadRun:
    return get_object_or_404(load_run_list(user=user), pk=pk)
