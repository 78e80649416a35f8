"""X at the HTTP level: X API v2 answers as its documentation shows (respx)."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
import respx
from django.utils import timezone

from chorus.networks.connectors.base import Credentials
from chorus.networks.connectors.x import Connector
from chorus.networks.models import ConnectedAccount, NetworkApp
from chorus.orgs.models import Membership

API = "https://api.x.com"
USER_ID = "2244994945"
USERNAME = "erin_builds"
ACCESS_TOKEN = (
    "Q0Mzb0VhZ0V5dmNXSTEyNER2MFNfVW50RzdXdTN6STFxQlVkTGhTc1lCdlBiOjE2MjIxNDc3NDM5MTQ6MToxOmF0OjE"
)
REFRESH_TOKEN = (
    "bWRWa3gzdnk3WHRGU1o0bmRRcTJ5VUxWX1lZTDdJSUtmaWcxbTVxdEFXcW5tOjE2MjIxNDc3NDM5MTQ6MToxOnJ0OjE"
)
CLIENT_ID = "rG9n6402A3dbUJKzXTNX4oWHJ"
CLIENT_SECRET = "x-app-secret"


@pytest.fixture
def x_api() -> Iterator[respx.MockRouter]:
    """X's servers; any call no test route expects fails the test."""
    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture
def connector() -> Connector:
    return Connector()


@pytest.fixture
def app(organisation) -> NetworkApp:
    return NetworkApp.objects.create(
        organisation=organisation, network="x", client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )


@pytest.fixture
def account(employee: Membership) -> ConnectedAccount:
    return ConnectedAccount.objects.create(
        organisation=employee.organisation,
        member=employee,
        network="x",
        external_id=USER_ID,
        handle=f"@{USERNAME}",
        display_name="Erin Employee",
        credentials=Credentials(
            access_token=ACCESS_TOKEN,
            refresh_token=REFRESH_TOKEN,
            expires_at=timezone.now() + timedelta(hours=1),
        ),
        takes_part=True,
    )
