from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from chorus.core.catalogs import chorus_locale_dirs, compile_catalogs


class Command(BaseCommand):
    help = _("Compile Chorus's translation catalogs (.po) to .mo files.")
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Compile every catalog, even those already up to date."),
        )

    def handle(self, *args: Any, force: bool, verbosity: int, **options: Any) -> None:
        compiled = compile_catalogs(locale_dirs=chorus_locale_dirs(), force=force)
        if verbosity >= 2:
            for catalog in compiled:
                self.stdout.write(_("Compiled %(path)s") % {"path": catalog.compiled})
        self.stdout.write(_("%(count)d catalogs compiled.") % {"count": len(compiled)})
