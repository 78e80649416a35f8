"""Offboard a member from a script, such as an identity provider's deprovisioning hook."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chorus.offboarding.services import offboard_member
from chorus.orgs.models import Membership


class Command(BaseCommand):
    help = (
        "Deactivate a member and take away everything that could still post for them: "
        "delegated access, pending posts, rally pledges and network tokens."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organisation", help="The organisation's address name (slug).")
        parser.add_argument("email", help="The email address of the member who leaves.")
        parser.add_argument(
            "--by",
            required=True,
            help="The email address of the owner or admin on whose behalf this runs (audited).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["organisation"]
        member = _membership(slug, options["email"])
        by = _membership(slug, options["by"])
        try:
            report = offboard_member(by=by, member=member)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Offboarded {report.member_email}: "
            f"{report.delegations_revoked} delegations revoked, "
            f"{report.posts_cancelled} posts cancelled, "
            f"{report.pledges_withdrawn} pledges withdrawn, "
            f"{report.tokens_deleted} tokens deleted "
            f"({len(report.tokens_revoked)} revoked at the network). Report {report.pk}."
        )
        for token in report.tokens_not_revoked:
            self.stdout.write(
                f"Not revoked at the network: {token['network']} {token['handle']}: "
                f"{token['detail']}"
            )
        for account in report.company_accounts:
            if account["credentials"] != "chorus":
                self.stdout.write(
                    f"Rotate the credentials of {account['network']} {account['handle']} "
                    f"({account['place'] or 'outside Chorus'})."
                )


def _membership(slug: str, email: str) -> Membership:
    try:
        return Membership.objects.select_related("organisation", "user").get(
            organisation__slug=slug, user__email__iexact=email.strip()
        )
    except Membership.DoesNotExist:
        raise CommandError(f"{email} is not a member of {slug}.") from None
