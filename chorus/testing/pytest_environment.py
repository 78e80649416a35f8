"""Loaded by pytest before Django reads its settings (``-p`` in pyproject.toml's addopts).

A conftest.py is imported too late for this: pytest-django loads the settings first.
"""

import os

# Tests never read a developer's configuration by accident.
os.environ.setdefault("CHORUS_ENV", "test")
