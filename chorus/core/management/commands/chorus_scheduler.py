import signal
import threading
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from chorus.core import scheduler


class Command(BaseCommand):
    help = "Enqueue periodic jobs when they are due (safe to run several at once)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue what is due, then exit.")

    def handle(self, *args: Any, once: bool, **options: Any) -> None:
        if once:
            results = scheduler.run_due_jobs()
            self.stdout.write(_("Enqueued %(count)d periodic jobs.") % {"count": len(results)})
            return
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        interval = settings.SCHEDULER_INTERVAL_SECONDS
        jobs = scheduler.registered_jobs()
        self.stdout.write(
            _("Scheduler started: %(count)d periodic jobs, checking every %(seconds)d seconds.")
            % {"count": len(jobs), "seconds": interval}
        )
        scheduler.run_forever(interval=interval, stop=stop)
        self.stdout.write(_("Scheduler stopped."))
