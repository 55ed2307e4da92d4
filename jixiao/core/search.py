"""Narrowing a list by the filters of its page: one shape for every register the bureau searches."""

import re
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet


def text_search_q(text: str, fields: list[str], *, number: re.Pattern | None = None) -> Q:
    """Rows where any of `fields` contains `text`; also the row whose id `number` reads from the text
    (its group 1), so that a typed record number finds its record."""
    condition = reduce(or_, (Q(**{f"{field}__icontains": text}) for field in fields))
    if number and (match := number.fullmatch(text)):
        condition |= Q(pk=int(match.group(1)))
    return condition


def narrowed(queryset: QuerySet, **lookups) -> QuerySet:
    """`queryset` filtered by each lookup that has a value: an empty filter field means every row."""
    return queryset.filter(**{lookup: value for lookup, value in lookups.items() if value})
