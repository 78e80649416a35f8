from typing import Any

from django.core.management.base import BaseCommand

from chorus.networks.encryption import new_key


class Command(BaseCommand):
    help = "Print a new random key for CHORUS_TOKEN_KEYS (put it first to start using it)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(new_key())
