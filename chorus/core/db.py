"""Query helpers shared by apps."""

from collections.abc import Collection

from django.db import connection
from django.db.models.expressions import RawSQL


def any_of(ids: Collection[int]) -> Collection[int] | RawSQL:
    """What ``field__in`` needs for many ids: on PostgreSQL one array, not a parameter each.

    Binding thousands of separate parameters costs the driver more time than the query.
    """
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (list(ids),))
    return ids
