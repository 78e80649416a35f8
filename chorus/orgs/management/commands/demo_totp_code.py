from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chorus.orgs.demo import DEMO_ORGANISATION_SLUG, current_totp_code, demo_account


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account (see seed_demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The demo account's email address.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = demo_account(options["email"])
        if user is None:
            raise CommandError(
                f"No member of the “{DEMO_ORGANISATION_SLUG}” organisation with an "
                f"authenticator app has the address {options['email']}."
            )
        code, seconds_left = current_totp_code(user)
        self.stdout.write(code)
        self.stderr.write(f"Valid for {seconds_left} more seconds.", style_func=str)
