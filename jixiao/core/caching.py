"""Figures worked out once per state of the data they come from, then read back.

The caller's key names that state (a data version, a digest), so an entry never has to be cleared: a
change makes another key, and the timeout only gives the memory back. Each process keeps its own copies
of the entries it read lately (the "process" cache) in front of the shared one, so that a repeated view
does not wait on the shared cache either.
"""

from collections.abc import Callable

from django.core.cache import cache, caches


def computed_once(key: str, compute: Callable, *, seconds: int):
    """`compute()` under `key`: from this process's copy, else the shared cache, else worked out."""
    value = caches["process"].get(key)
    if value is None:
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, seconds)
        caches["process"].set(key, value, seconds)
    return value
