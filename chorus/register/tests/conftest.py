"""Objects the register tests build on: company pages, accounts held outside Chorus."""

import uuid

import pytest

from chorus.networks.models import ConnectedAccount
from chorus.orgs.models import Membership
from chorus.register import services
from chorus.register.models import RegisterEntry


def company_page(
    by: Membership, *, handle: str = "@acme-news", network: str = "outbox"
) -> ConnectedAccount:
    """A company page an owner or admin connected in Chorus, taking part."""
    return ConnectedAccount.objects.create(
        organisation=by.organisation,
        member=by,
        network=network,
        external_id=str(uuid.uuid4()),
        handle=handle,
        owned_by_company=True,
        takes_part=True,
    )


def entry_of(account: ConnectedAccount) -> RegisterEntry:
    services.sync_connected_accounts(organisation=account.organisation)
    return RegisterEntry.objects.get(connected_account=account)


@pytest.fixture
def outside_entry(admin) -> RegisterEntry:
    return services.add_entry(
        by=admin,
        network="x",
        handle="@acme",
        ownership="company",
        responsible=admin,
        credentials_place="The marketing password manager",
    )
