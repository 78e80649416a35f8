"""Compile translation catalogs (.po to .mo) in pure Python, so no gettext is needed."""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings


@dataclass(frozen=True, kw_only=True)
class Catalog:
    source: Path
    compiled: Path

    @property
    def is_current(self) -> bool:
        return self.compiled.exists() and (
            self.compiled.stat().st_mtime >= self.source.stat().st_mtime
        )


def chorus_locale_dirs() -> list[Path]:
    """LOCALE_PATHS and the locale folder of each Chorus app; third-party apps ship .mo files."""
    base = Path(settings.BASE_DIR)
    dirs = [Path(path) for path in settings.LOCALE_PATHS]
    dirs += [
        Path(config.path) / "locale"
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(base)
    ]
    return sorted({path.resolve() for path in dirs if path.is_dir()})


def find_catalogs(*, locale_dirs: Iterable[Path]) -> list[Catalog]:
    return [
        Catalog(source=source, compiled=source.with_suffix(".mo"))
        for locale_dir in locale_dirs
        for source in sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))
    ]


def compile_catalogs(*, locale_dirs: Iterable[Path], force: bool = False) -> list[Catalog]:
    """Compile every catalog whose .mo is missing or older than its .po; returns those compiled."""
    compiled = []
    for catalog in find_catalogs(locale_dirs=locale_dirs):
        if force or not catalog.is_current:
            polib.pofile(str(catalog.source)).save_as_mofile(str(catalog.compiled))
            compiled.append(catalog)
    return compiled
