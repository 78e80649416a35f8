"""Bluesky accounts on the real PDS (the session's ``pds`` fixture), connected to Chorus."""

import pytest

from chorus.networks import services
from chorus.networks.connectors import get_connector
from chorus.networks.models import ConnectedAccount
from chorus.orgs.models import Membership
from chorus.publishing.tests.test_pipeline_crash import (  # noqa: F401 (fixtures)
    migrated_database,
    shared_database,
)
from chorus.testing.pds import LocalPds, PdsAccount


@pytest.fixture
def connector():
    return get_connector("bluesky")


@pytest.fixture
def erin_on_bluesky(pds: LocalPds) -> PdsAccount:
    return pds.create_account("erin", display_name="Erin on Bluesky")


@pytest.fixture
def account(employee: Membership, pds: LocalPds, erin_on_bluesky: PdsAccount) -> ConnectedAccount:
    """Erin's Bluesky account, connected the way the connect page does it."""
    return services.connect_with_password(
        by=employee,
        network="bluesky",
        server=pds.url,
        identifier=erin_on_bluesky.handle,
        password=erin_on_bluesky.app_password,
    )
