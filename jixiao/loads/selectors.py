from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from jixiao.loads.models import LoadRun
from jixiao.loads.policy import loadable_kinds


def load_run_list(*, user, kinds=None) -> QuerySet[LoadRun]:
    """The load history of what the person may load (the data manager's data, the administrator's
    accounts), narrowed to `kinds` when given; nobody else sees any of it."""
    allowed = loadable_kinds(user)
    if kinds is not None:
        allowed &= set(kinds)
    return LoadRun.objects.filter(kind__in=sorted(allowed)).select_related("created_by").defer("content")


def load_run_get(*, user, pk: int, kinds=None) -> LoadRun:
    return get_object_or_404(load_run_list(user=user, kinds=kinds), pk=pk)
