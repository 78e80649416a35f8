from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from chorus.orgs.demo import DemoAlreadySeeded, DemoOrganisation, seed_demo_organisation
from chorus.orgs.models import Organisation
from chorus.orgs.roles import Role


class Command(BaseCommand):
    help = "Create a demo organisation with a person for every role, and print their logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any organisation exists already.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "The demo organisation has published passwords and two-factor secrets: "
                "it cannot be created when CHORUS_ENV=production."
            )
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("Organisations exist already: no demo data created.")
            return
        try:
            demo = seed_demo_organisation()
        except DemoAlreadySeeded as error:
            raise CommandError(f"{error} No demo data created.") from error
        self._print_logins(demo)

    def _print_logins(self, demo: DemoOrganisation) -> None:
        write = self.stdout.write
        organisation = demo.organisation
        write(
            self.style.SUCCESS(
                f"Created the demo organisation “{organisation.name}” with "
                f"{len(demo.people)} people in {organisation.teams.count()} teams."
            )
        )
        write("")
        write(f"Log in at {settings.SITE_URL}{reverse('account_login')}")
        write("")
        write("Every demo account has the same password:")
        write("")
        write(f"    {self.style.SQL_FIELD(demo.password)}")
        write("")
        rows: list[tuple[str, ...]] = [("Email", "Role", "Password", "Two-factor")]
        rows += [
            (
                person.email,
                str(Role(person.role).label),
                demo.password,
                "authenticator app" if person.uses_totp else "-",
            )
            for person in demo.people
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        rows.insert(1, tuple("-" * width for width in widths))
        for row in rows:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            write("  ".join(cells).rstrip())
        first_totp_user = next(person for person in demo.people if person.uses_totp)
        write("")
        write("Owners and admins must enter a code from an authenticator app after the password.")
        write("Add this secret to an authenticator app (time-based, 6 digits, every 30 seconds):")
        write("")
        write(f"    {self.style.SQL_FIELD(demo.totp_secret)}")
        write("")
        write("or print the current code for a demo account:")
        write("")
        write(f"    python manage.py demo_totp_code {first_totp_user.email}")
        write("")
        write(
            self.style.WARNING(
                "These accounts share published credentials: use them for demonstrations only."
            )
        )
