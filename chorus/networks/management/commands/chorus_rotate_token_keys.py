from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from chorus.networks import upkeep


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored network token and app secret with the first key in "
        "CHORUS_TOKEN_KEYS, so that older keys can be removed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=upkeep.ROTATION_BATCH_SIZE,
            help="Rows re-encrypted per database update.",
        )

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError(_("--batch-size must be at least 1."))
        try:
            counts = upkeep.rotate_token_keys(batch_size=batch_size)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        for name, count in counts.items():
            self.stdout.write(
                _("%(name)s: %(count)d re-encrypted") % {"name": name.capitalize(), "count": count}
            )
        self.stdout.write(
            _(
                "Every value is now encrypted with the first key. Older keys can be removed "
                "from CHORUS_TOKEN_KEYS."
            )
        )
