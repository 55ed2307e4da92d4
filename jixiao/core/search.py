"""Narrowing a list by the filters of its page: one shape for every register the bureau searches."""

import re
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat
from django.db.models.lookups import IContains


def contains_q(text: str, fields: list[str]) -> Q:
    """Rows where any of `fields` contains `text`, whatever its case.

    A term of one or two characters with no case (most Chinese searches: 教育, 道路) is compared as it is:
    no trigram index can serve a term that short, so the database reads every row either way, and
    skipping UPPER() of each one reads them several times faster. Any other term compares upper case,
    the expression the trigram indexes cover (`core.db.trigram_indexes`)."""
    lookup = "contains" if len(text) < 3 and text.upper() == text.lower() else "icontains"
    return reduce(or_, (Q(**{f"{field}__{lookup}": text}) for field in fields))


def text_search_q(text: str, fields: list[str], *, number: re.Pattern | None = None) -> Q:
    """Rows where any of `fields` contains `text` (`contains_q`); also the row whose id `number` reads
    from the text (its group 1), so that a typed record number finds its record."""
    condition = contains_q(text, fields)
    if number and (match := number.fullmatch(text)):
        condition |= Q(pk=int(match.group(1)))
    return condition


def text_within(text: str, fields: list[str]) -> IContains:
    """Rows whose `fields`, joined by spaces, contain `text`: for a search inside a set that its own index
    already bounds (one unit's projects). The joined text is one expression that no trigram index covers,
    so the database reads the set and tests each row: the cost of the set's size, not of how common the
    text is across the district (a trigram index there would read every match of the district first).
    What a list of "code name" options offers is found again as it is written."""
    parts = [part for field in fields for part in (field, Value(" "))][:-1]
    return IContains(Concat(*parts) if len(parts) > 1 else parts[0], text)


def narrowed(queryset: QuerySet, **lookups) -> QuerySet:
    """`queryset` filtered by each lookup that has a value: an empty filter field means every row."""
    return queryset.filter(**{lookup: value for lookup, value in lookups.items() if value})
