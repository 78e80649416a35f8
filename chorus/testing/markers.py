"""Markers for tests that only mean something on one database."""

import pytest
from django.db import connection


def postgresql_only(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(connection.vendor != "postgresql", reason=reason)


# The test database on SQLite lives in memory, where chorus/core/stages.py runs its
# stages one after another.
stages_threaded = postgresql_only("the stages use threads on a database file or server")
