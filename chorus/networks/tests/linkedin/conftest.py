"""LinkedIn at the HTTP level: its API answers as its documentation shows (respx)."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
import respx
from django.utils import timezone

from chorus.networks.connectors.base import Credentials
from chorus.networks.connectors.linkedin import Connector
from chorus.networks.models import ConnectedAccount, NetworkApp
from chorus.orgs.models import Membership

API = "https://api.linkedin.com"
REST = f"{API}/rest"
OAUTH = "https://www.linkedin.com/oauth/v2"
VERSION = "202611"
# The member's OpenID Connect subject, as in LinkedIn's userinfo sample.
SUB = "782bbtaQ"
PERSON = f"urn:li:person:{SUB}"
SHARE = "urn:li:share:6844785523593134080"
ACCESS_TOKEN = "AQUvlL_DYEzvT2wz1QJiEPeLioeA"


@pytest.fixture
def pinned_version(settings) -> str:
    settings.CHORUS_LINKEDIN_VERSION = VERSION
    return VERSION


@pytest.fixture
def linkedin() -> Iterator[respx.MockRouter]:
    """LinkedIn's servers; any call no test route expects fails the test."""
    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture
def connector(pinned_version: str) -> Connector:
    return Connector()


@pytest.fixture
def app(organisation) -> NetworkApp:
    return NetworkApp.objects.create(
        organisation=organisation,
        network="linkedin",
        client_id="86abcdefgh",
        client_secret="linkedin-app-secret",
    )


@pytest.fixture
def account(employee: Membership) -> ConnectedAccount:
    return ConnectedAccount.objects.create(
        organisation=employee.organisation,
        member=employee,
        network="linkedin",
        external_id=SUB,
        handle="Erin Employee",
        display_name="Erin Employee",
        credentials=Credentials(
            access_token=ACCESS_TOKEN, expires_at=timezone.now() + timedelta(days=50)
        ),
        takes_part=True,
    )
