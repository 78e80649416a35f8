from argparse import ArgumentParser
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.publishing import pipeline


def aware_datetime(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(_("--now takes an ISO 8601 date and time, not %r.") % value) from None
    if timezone.is_naive(moment):
        raise CommandError(_("--now needs a time zone offset, e.g. 2026-05-04T09:00:00+00:00."))
    return moment


class Command(BaseCommand):
    help = "Settle interrupted posts, then publish every post that is due, once, in this process."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--now", help="Act as if it were this moment (ISO 8601 with offset); default: now."
        )

    def handle(self, *args: Any, now: str | None, **options: Any) -> None:
        moment = aware_datetime(now) if now else timezone.now()
        recovered = pipeline.recover_interrupted_posts(now=moment)
        published = pipeline.run_due_posts(now=moment, synchronous=True)
        self.stdout.write(
            _("Recovered %(recovered)d interrupted posts; took up %(due)d due posts.")
            % {"recovered": recovered, "due": published}
        )
