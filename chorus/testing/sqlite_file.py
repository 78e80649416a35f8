"""Tests whose database must be a file that other processes open too.

The test database on SQLite lives in this process's memory, out of their reach (and
has no write-ahead log). Inside ``default_database_on_file``, ORM calls made in this
thread go to the file instead, opened as Chorus opens its SQLite database.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.utils import load_backend


@contextmanager
def default_database_on_file(path: Path) -> Iterator[None]:
    settings_dict = {
        **connections.settings["default"],
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": dict(settings.CHORUS_SQLITE_OPTIONS),
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
    }
    file_connection = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
        settings_dict, "default"
    )
    previous = connections["default"]
    connections["default"] = file_connection
    try:
        yield
    finally:
        file_connection.close()
        connections["default"] = previous
