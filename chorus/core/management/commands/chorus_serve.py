import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.translation import gettext as _

from chorus.config import env_int, env_str
from chorus.core import processes


class Command(BaseCommand):
    help = _("Run the web server, the task workers and the scheduler on this machine.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--host",
            default=env_str("CHORUS_HOST", "127.0.0.1"),
            help=_("Address to listen on (CHORUS_HOST, default 127.0.0.1)."),
        )
        parser.add_argument(
            "--port",
            type=int,
            default=env_int("CHORUS_PORT", 8000, minimum=1),
            help=_("Port to listen on (CHORUS_PORT, default 8000)."),
        )
        parser.add_argument(
            "--web-workers",
            type=int,
            default=env_int("CHORUS_WEB_WORKERS", 1, minimum=1),
            help=_("Web server processes (CHORUS_WEB_WORKERS, default 1)."),
        )
        parser.add_argument(
            "--task-workers",
            type=int,
            default=env_int("CHORUS_TASK_WORKERS", 1, minimum=0),
            help=_("Task worker processes (CHORUS_TASK_WORKERS, default 1)."),
        )
        parser.add_argument(
            "--no-scheduler",
            dest="scheduler",
            action="store_false",
            help=_("Do not start the scheduler (when it runs elsewhere)."),
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        web_workers: int,
        task_workers: int,
        scheduler: bool,
        **options: Any,
    ) -> None:
        if processes.port_accepts(host=host, port=port):
            raise CommandError(
                _("Something is already listening on %(host)s port %(port)d.")
                % {"host": host, "port": port}
            )
        children = processes.plan_children(
            host=host,
            port=port,
            web_workers=max(web_workers, 1),
            task_workers=max(task_workers, 0),
            scheduler=scheduler,
        )
        for child in children:
            self.stdout.write(_("Starting the %(child)s.") % {"child": child.label})
        url = processes.login_url(host=host, port=port, path=reverse("account_login"))
        supervisor = processes.Supervisor(
            children=children,
            env=processes.child_environment(),
            write=self.stdout.write,
            is_ready=lambda: processes.port_accepts(host=host, port=port),
            on_ready=lambda: self.stdout.write(
                self.style.SUCCESS(
                    _("Chorus is running. Sign in at %(url)s (Ctrl+C stops it).") % {"url": url}
                )
            ),
        )
        status = supervisor.run()
        if status:
            sys.exit(status)
