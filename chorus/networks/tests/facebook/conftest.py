"""Facebook Pages at the HTTP level: Graph API answers shaped as Meta's documentation shows."""

from collections.abc import Iterator

import pytest
import respx

from chorus.networks.connectors import graph
from chorus.networks.connectors.base import Credentials
from chorus.networks.connectors.facebook import Connector
from chorus.networks.models import ConnectedAccount
from chorus.orgs.models import Membership

PAGE_ID = "546349135390552"
PAGE_TOKEN = "EAAPageTokenFromMeAccounts"


@pytest.fixture
def graph_api() -> Iterator[respx.MockRouter]:
    """Every call to graph.facebook.com at the pinned version; unmatched calls fail."""
    with respx.mock(base_url=graph.api_url(), assert_all_called=False) as router:
        yield router


@pytest.fixture
def connector() -> Connector:
    return Connector()


@pytest.fixture
def page(admin: Membership) -> ConnectedAccount:
    """The company Page the admin connected, with its Page token."""
    return ConnectedAccount.objects.create(
        organisation=admin.organisation,
        member=admin,
        network="facebook",
        external_id=PAGE_ID,
        handle="Acme Ltd",
        display_name="Acme Ltd",
        owned_by_company=True,
        credentials=Credentials(access_token=PAGE_TOKEN, extra={"page_id": PAGE_ID}),
        takes_part=True,
    )
